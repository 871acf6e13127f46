#include "slotbox/host.h"

#include "per_cpu.h"
#include "slotbox/io.h"

namespace slotbox::guest {

bool host_present() {
  static int present = -1;
  if (present < 0) present = inl(abi::kHostAssistPort) == abi::kHostAssistMagic;
  return present;
}

HostReply host_call(abi::HostOp op, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e) {
  if (!host_present()) return HostReply{abi::HostStatus::kUnavailable, {}};
  // The CPU's own block, in RAM (the host only reads and writes request blocks in RAM):
  // CPUs may ask at the same time.
  abi::HostRequest& block = current_cpu().request;
  volatile abi::HostRequest& request = block;
  request.version = abi::kHostAssistVersion;
  request.op = op;
  request.status = abi::HostStatus::kPending;
  const uint64_t args[6] = {a, b, c, d, e, 0};
  for (int i = 0; i < 6; ++i) request.args[i] = args[i];
  outl(abi::kHostAssistPort, static_cast<uint32_t>(reinterpret_cast<uint64_t>(&block)));
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
