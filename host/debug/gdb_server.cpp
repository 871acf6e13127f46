#include "host/debug/gdb_server.h"

#include "host/debug/gdb_registers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace slotbox::debug::gdb {
namespace {

// Signals in stop replies, by gdb's numbering (gdb/signals.def).
constexpr int kSigint = 2, kSigtrap = 5;
constexpr uint8_t kInt3 = 0xCC;
constexpr size_t kMaxPacket = 0x4000;

std::string hex_number(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(value));
  return text;
}

// "addr,length" with an optional ":data" tail.
struct AddressRange {
  uint64_t address = 0, length = 0;
  std::string_view data;
};
std::optional<AddressRange> parse_range(std::string_view text) {
  size_t comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  size_t colon = text.find(':', comma);
  auto address = parse_hex_number(text.substr(0, comma));
  auto length = parse_hex_number(text.substr(comma + 1, colon == std::string_view::npos ? text.npos : colon - comma - 1));
  if (!address || !length) return std::nullopt;
  return AddressRange{*address, *length, colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1)};
}

} // namespace

GdbServer::GdbServer(Fd listener, uint16_t port, bool wait_at_reset)
    : m_listener(std::move(listener)), m_port(port), m_wait_at_reset(wait_at_reset) {}

Result<std::unique_ptr<GdbServer>> GdbServer::listen(uint16_t port, bool wait_at_reset) {
  std::string what = "--gdb " + std::to_string(port);
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener.valid()) return fail(Error::from_errno("socket", what));
  int on = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never reachable from another machine
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return fail(Error::from_errno("bind", what + ", 127.0.0.1").as(ErrorKind::kBadInput));
  if (::listen(listener.get(), 1) != 0) return fail(Error::from_errno("listen", what));
  socklen_t length = sizeof address;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return std::unique_ptr<GdbServer>(new GdbServer(std::move(listener), ntohs(address.sin_port), wait_at_reset));
}

GdbServer::~GdbServer() {
  {
    std::lock_guard lock(m_mutex);
    m_closing = true;
    if (m_connection >= 0) ::shutdown(m_connection, SHUT_RDWR);
    m_changed.notify_all();
  }
  ::shutdown(m_listener.get(), SHUT_RDWR);  // wakes accept()
  if (m_thread.joinable()) m_thread.join();
}

void GdbServer::attach(Target& target) {
  m_target = &target;
  m_thread = std::thread([this] { serve(); });
}

void GdbServer::set_interrupter(std::function<void()> interrupt) {
  std::lock_guard lock(m_mutex);
  m_interrupter = std::move(interrupt);
}

bool GdbServer::take_stop_request() {
  std::lock_guard lock(m_mutex);
  return std::exchange(m_stop_requested, false);
}

void GdbServer::request_stop() {
  if (m_stopped || m_ended || m_stop_requested) return;
  m_stop_requested = true;
  if (m_interrupter) m_interrupter();
}

void GdbServer::stopped(size_t vcpu, StopReason reason, uint64_t dr6) {
  std::unique_lock lock(m_mutex);
  m_stopped = true;
  m_stop_requested = false;  // this stop is the one asked for, if any
  m_stop_vcpu = m_general_vcpu = vcpu;
  m_stop_reason = reason;
  m_stop_dr6 = dr6;
  m_resume = Resume::kNone;
  if (m_owe_stop_reply && m_connection >= 0) {
    m_owe_stop_reply = false;
    send(stop_reply());
  }
  m_changed.notify_all();
  m_changed.wait(lock, [this] { return m_resume != Resume::kNone || m_closing; });
  m_stopped = false;
}

void GdbServer::run_ended(std::optional<uint32_t> exit_status) {
  std::lock_guard lock(m_mutex);
  m_ended = true;
  m_exit_status = exit_status;
  if (m_connection >= 0) {
    // gdb waits for a stop after continuing: the guest's exit is the last one.
    if (m_owe_stop_reply) send(exit_status ? "W" + hex_number(*exit_status & 0xFF) : "X" + hex_number(kSigtrap));
    ::shutdown(m_connection, SHUT_RDWR);
  }
  m_changed.notify_all();
}

void GdbServer::serve() {
  for (;;) {
    int connection = ::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) {
      if (errno == EINTR) continue;
      return;  // the listener was shut down: slotbox is done
    }
    int on = 1;
    ::setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    {
      std::lock_guard lock(m_mutex);
      if (m_closing || m_ended) {
        ::close(connection);
        return;
      }
      m_connection = connection;
      request_stop();  // gdb expects a stopped target once it is attached
    }
    serve_connection();
    std::lock_guard lock(m_mutex);
    ::close(m_connection);
    m_connection = -1;
    if (m_closing || m_ended) return;
  }
}

void GdbServer::serve_connection() {
  PacketReader reader;
  char buffer[4096];
  for (;;) {
    ssize_t count = ::recv(m_connection, buffer, sizeof buffer, 0);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) break;
    reader.feed({buffer, static_cast<size_t>(count)});
    while (auto event = reader.next()) {
      std::unique_lock lock(m_mutex);
      switch (event->kind) {
      case PacketEvent::Kind::kInterrupt: request_stop(); break;
      case PacketEvent::Kind::kBadChecksum: (void)::send(m_connection, "-", 1, MSG_NOSIGNAL); break;
      case PacketEvent::Kind::kAck:
      case PacketEvent::Kind::kNack: break;
      case PacketEvent::Kind::kPacket: {
        (void)::send(m_connection, "+", 1, MSG_NOSIGNAL);
        // gdb speaks while it believes the guest stopped; it may not be yet (just attached).
        m_changed.wait(lock, [this] { return m_stopped || m_ended || m_closing; });
        if (m_closing) return;
        if (m_ended) {
          send(m_exit_status ? "W" + hex_number(*m_exit_status & 0xFF) : "X" + hex_number(kSigtrap));
          return;
        }
        if (auto reply = handle(event->payload)) send(*reply);
        if (event->payload == "D" || event->payload == "k") return;
        break;
      }
      }
    }
  }
  // The connection is gone: gdb quit without detaching, or was killed.
  std::unique_lock lock(m_mutex);
  if (m_ended || m_closing) return;
  request_stop();
  m_changed.wait(lock, [this] { return m_stopped || m_ended || m_closing; });
  if (m_stopped) detach();
}

void GdbServer::send(std::string_view payload) {
  if (m_connection < 0) return;
  std::string packet = frame(payload);
  (void)::send(m_connection, packet.data(), packet.size(), MSG_NOSIGNAL);
}

std::string GdbServer::stop_reply() const {
  int signal = m_stop_reason == StopReason::kInterrupt ? kSigint : kSigtrap;
  std::string reply = "T" + std::string(signal < 16 ? "0" : "") + hex_number(signal) + "thread:" +
                      hex_number(m_stop_vcpu + 1) + ";";
  for (size_t n = 0; n < m_hardware.size(); ++n) {
    if (!(m_stop_dr6 & (1ull << n)) || m_hardware[n].kind == WatchKind::kExecute) continue;
    reply += std::string(m_hardware[n].kind == WatchKind::kWrite ? "watch:" : "awatch:") +
             hex_number(m_hardware[n].address) + ";";
    break;
  }
  return reply;
}

// gdb's thread ids are the vCPU's index + 1; 0 and -1 mean "any" and "all".
size_t GdbServer::thread_vcpu(std::string_view thread_id) const {
  auto id = parse_hex_number(thread_id);
  if (!id || *id == 0 || *id > m_target->vcpu_count()) return m_stop_vcpu;
  return *id - 1;
}

std::optional<std::string> GdbServer::handle(const std::string& packet) {
  std::string_view p = packet;
  if (p.empty()) return "";
  std::string_view arguments = p.substr(1);
  switch (p[0]) {
  case '?': return stop_reply();
  case 'g': {
    auto regs = m_target->registers(m_general_vcpu);
    return regs ? encode_registers(*regs) : "E01";
  }
  case 'G': {
    auto regs = m_target->registers(m_general_vcpu);
    if (!regs || !decode_registers(arguments, *regs) || !m_target->set_registers(m_general_vcpu, *regs)) return "E01";
    return "OK";
  }
  case 'p': {
    auto number = parse_hex_number(arguments);
    auto regs = m_target->registers(m_general_vcpu);
    if (!number || !regs) return "E01";
    return encode_register(*regs, *number).value_or("E01");
  }
  case 'P': {
    size_t equals = arguments.find('=');
    auto number = parse_hex_number(arguments.substr(0, equals));
    auto regs = m_target->registers(m_general_vcpu);
    if (equals == arguments.npos || !number || !regs || !decode_register(arguments.substr(equals + 1), *number, *regs) ||
        !m_target->set_registers(m_general_vcpu, *regs))
      return "E01";
    return "OK";
  }
  case 'm': return read_memory(arguments);
  case 'M': return write_memory(arguments, false);
  case 'X': return write_memory(arguments, true);
  case 'Z': return breakpoint(arguments, true);
  case 'z': return breakpoint(arguments, false);
  case 'H':
    if (!arguments.empty() && arguments[0] == 'g') m_general_vcpu = thread_vcpu(arguments.substr(1));
    return "OK";
  case 'T': {
    auto id = parse_hex_number(arguments);
    return id && *id >= 1 && *id <= m_target->vcpu_count() ? "OK" : "E01";
  }
  case 'c':
  case 'C': resume(false); return std::nullopt;
  case 's':
  case 'S': resume(true); return std::nullopt;
  case 'D': detach(); return "OK";
  case 'k': detach(); return std::nullopt;
  default: break;
  }
  if (p.starts_with("qSupported")) return "PacketSize=" + hex_number(kMaxPacket) + ";qXfer:features:read+";
  if (p.starts_with("qXfer:features:read:")) return read_features(p.substr(std::strlen("qXfer:features:read:")));
  if (p == "qAttached") return "1";  // quitting gdb detaches: the guest runs on
  if (p == "qC") return "QC" + hex_number(m_stop_vcpu + 1);
  if (p == "qfThreadInfo") {
    std::string reply = "m";
    for (size_t i = 0; i < m_target->vcpu_count(); ++i) reply += (i ? "," : "") + hex_number(i + 1);
    return reply;
  }
  if (p == "qsThreadInfo") return "l";
  if (p == "vCont?") return "vCont;c;C;s;S";
  if (p.starts_with("vCont;")) {
    // All-stop: a step for any thread steps the vCPU that stopped; otherwise all go on.
    bool step = false;
    for (size_t at = 0; (at = p.find(';', at)) != p.npos; ++at)
      step = step || p[at + 1] == 's' || p[at + 1] == 'S';
    resume(step);
    return std::nullopt;
  }
  return "";  // not supported: gdb falls back or does without
}

std::string GdbServer::read_memory(std::string_view arguments) {
  auto range = parse_range(arguments);
  if (!range || range->length > kMaxPacket / 2) return "E01";
  std::vector<uint8_t> bytes(range->length);
  size_t read = m_target->read_memory(m_general_vcpu, range->address, bytes);
  if (read == 0 && range->length > 0) return "E14";  // EFAULT
  bytes.resize(read);
  // An int3 of ours reads back as the byte it replaced.
  for (auto [address, original] : m_software)
    if (address >= range->address && address < range->address + read) bytes[address - range->address] = original;
  return to_hex(bytes);
}

std::string GdbServer::write_memory(std::string_view arguments, bool binary) {
  auto range = parse_range(arguments);
  if (!range) return "E01";
  std::vector<uint8_t> bytes;
  if (binary) {
    std::string data = unescape_binary(range->data);
    bytes.assign(data.begin(), data.end());
  } else if (auto decoded = from_hex(range->data)) {
    bytes = std::move(*decoded);
  } else {
    return "E01";
  }
  if (bytes.size() != range->length) return "E01";
  if (bytes.empty()) return "OK";  // gdb's probe for X support
  return m_target->write_memory(m_general_vcpu, range->address, bytes) ? "OK" : "E14";
}

// Z/z type,address,kind: 0 software and 1 hardware breakpoints, 2 write, 3 read and
// 4 access watchpoints (x86 has no read-only watch: 3 is refused, and gdb uses 4).
std::string GdbServer::breakpoint(std::string_view arguments, bool insert) {
  auto first = arguments.find(',');
  auto second = arguments.find(',', first + 1);
  if (first == arguments.npos || second == arguments.npos) return "E01";
  auto type = parse_hex_number(arguments.substr(0, first));
  auto address = parse_hex_number(arguments.substr(first + 1, second - first - 1));
  auto kind = parse_hex_number(arguments.substr(second + 1, arguments.find(';') - second - 1));
  if (!type || !address || !kind || *type > 4 || *type == 3) return "";
  WatchKind watch = *type <= 1 ? WatchKind::kExecute : *type == 2 ? WatchKind::kWrite : WatchKind::kAccess;
  unsigned length = *type <= 1 ? 1 : static_cast<unsigned>(*kind);
  if (length != 1 && length != 2 && length != 4 && length != 8) return "E01";
  auto same = [&](const HardwareBreakpoint& b) { return b.address == *address && b.kind == watch; };
  if (!insert) {
    if (auto found = std::find_if(m_hardware.begin(), m_hardware.end(), same); found != m_hardware.end()) {
      m_hardware.erase(found);
      return "OK";
    }
    auto software = m_software.find(*address);
    if (*type == 0 && software != m_software.end()) {
      uint8_t original = software->second;
      m_software.erase(software);
      return m_target->write_memory(m_general_vcpu, *address, {&original, 1}) ? "OK" : "E14";
    }
    return "OK";
  }
  if (std::any_of(m_hardware.begin(), m_hardware.end(), same) || m_software.contains(*address)) return "OK";
  if (*type != 0) {
    if (m_hardware.size() == kHardwareBreakpoints) return "E1c";  // ENOSPC: every debug register is taken
    m_hardware.push_back({*address, watch, length});
    return "OK";
  }
  uint8_t original = 0;
  if (m_target->read_memory(m_general_vcpu, *address, {&original, 1}) != 1) return "E14";
  if (!m_target->write_memory(m_general_vcpu, *address, {&kInt3, 1})) return "E14";
  m_software[*address] = original;
  return "OK";
}

std::string GdbServer::read_features(std::string_view arguments) const {
  // target.xml:offset,length
  size_t colon = arguments.find(':');
  if (colon == arguments.npos || arguments.substr(0, colon) != "target.xml") return "E00";
  auto range = parse_range(arguments.substr(colon + 1));
  if (!range) return "E00";
  std::string xml = target_xml();
  if (range->address >= xml.size()) return "l";
  std::string chunk = xml.substr(range->address, range->length);
  return (range->address + chunk.size() >= xml.size() ? "l" : "m") + chunk;
}

void GdbServer::resume(bool step) {
  if (auto applied = m_target->set_guest_debug(m_hardware, !m_software.empty(), step ? std::optional(m_stop_vcpu) : std::nullopt);
      !applied) {
    send("E01");
    return;
  }
  m_owe_stop_reply = true;
  m_resume = Resume::kGo;
  m_changed.notify_all();
}

void GdbServer::detach() {
  for (auto [address, original] : m_software) (void)m_target->write_memory(m_general_vcpu, address, {&original, 1});
  m_software.clear();
  m_hardware.clear();
  (void)m_target->set_guest_debug({}, false, std::nullopt);
  m_owe_stop_reply = false;
  m_resume = Resume::kGo;
  m_changed.notify_all();
}

} // namespace slotbox::debug::gdb
