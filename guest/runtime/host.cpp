#include "slotbox/host.h"

#include "slotbox/io.h"

namespace slotbox::guest {
namespace {

// In .bss, so in RAM: the host only reads and writes request blocks in RAM.
abi::HostRequest g_request;

} // namespace

bool host_present() {
  static int present = -1;
  if (present < 0) present = inl(abi::kHostAssistPort) == abi::kHostAssistMagic;
  return present;
}

HostReply host_call(abi::HostOp op, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e) {
  if (!host_present()) return HostReply{abi::HostStatus::kUnavailable, {}};
  volatile abi::HostRequest& request = g_request;
  request.version = abi::kHostAssistVersion;
  request.op = op;
  request.status = abi::HostStatus::kPending;
  const uint64_t args[6] = {a, b, c, d, e, 0};
  for (int i = 0; i < 6; ++i) request.args[i] = args[i];
  outl(abi::kHostAssistPort, static_cast<uint32_t>(reinterpret_cast<uint64_t>(&g_request)));
  HostReply reply{request.status, {}};
  for (int i = 0; i < 6; ++i) reply.value[i] = request.reply[i];
  return reply;
}

uint64_t host_stat(const char* name) {
  uint64_t length = 0;
  while (name[length]) ++length;
  HostReply reply = host_call(abi::HostOp::kStat, reinterpret_cast<uint64_t>(name), length);
  return reply.ok() ? reply.value[0] : ~0ull;
}

HostReply host_exit_count(abi::ExitKind kind, uint64_t start, uint64_t end) {
  return host_call(abi::HostOp::kExitCount, static_cast<uint64_t>(kind), start, end);
}

} // namespace slotbox::guest
