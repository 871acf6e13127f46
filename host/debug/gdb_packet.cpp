#include "host/debug/gdb_packet.h"

#include <charconv>

namespace slotbox::debug::gdb {
namespace {

constexpr char kEscape = '}';
constexpr char kEscapeXor = 0x20;

bool needs_escape(char c) { return c == '#' || c == '$' || c == kEscape || c == '*'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

} // namespace

uint8_t checksum(std::string_view payload) {
  uint8_t sum = 0;
  for (char c : payload) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  return sum;
}

std::string escape_binary(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (char c : data) {
    if (needs_escape(c)) {
      out += kEscape;
      out += static_cast<char>(c ^ kEscapeXor);
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_binary(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == kEscape && i + 1 < data.size())
      out += static_cast<char>(data[++i] ^ kEscapeXor);
    else
      out += data[i];
  }
  return out;
}

std::string frame(std::string_view payload) {
  std::string body = escape_binary(payload);
  std::string packet = "$" + body + "#";
  uint8_t sum = checksum(body);
  const char* digits = "0123456789abcdef";
  packet += digits[sum >> 4];
  packet += digits[sum & 15];
  return packet;
}

std::string to_hex(std::span<const uint8_t> bytes) {
  const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t byte : bytes) {
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  std::vector<uint8_t> bytes(text.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    int high = hex_digit(text[2 * i]), low = hex_digit(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return bytes;
}

std::optional<uint64_t> parse_hex_number(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<PacketEvent> PacketReader::next() {
  while (!m_buffer.empty()) {
    char first = m_buffer[0];
    if (first == '+' || first == '-' || first == kInterrupt) {
      m_buffer.erase(0, 1);
      if (first == kInterrupt) return PacketEvent{PacketEvent::Kind::kInterrupt, {}};
      return PacketEvent{first == '+' ? PacketEvent::Kind::kAck : PacketEvent::Kind::kNack, {}};
    }
    if (first != '$') {  // noise between packets
      m_buffer.erase(0, 1);
      continue;
    }
    size_t hash = m_buffer.find('#');
    if (hash == std::string::npos || m_buffer.size() < hash + 3) return std::nullopt;  // not all here yet
    std::string payload = m_buffer.substr(1, hash - 1);
    auto sum = from_hex(std::string_view(m_buffer).substr(hash + 1, 2));
    m_buffer.erase(0, hash + 3);
    if (!sum || (*sum)[0] != checksum(payload)) return PacketEvent{PacketEvent::Kind::kBadChecksum, {}};
    return PacketEvent{PacketEvent::Kind::kPacket, std::move(payload)};
  }
  return std::nullopt;
}

} // namespace slotbox::debug::gdb
