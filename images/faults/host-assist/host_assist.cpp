// faults/host-assist: garbage in the host-assist port. Blocks outside RAM, wrong versions
// and opcodes, buffers in ROM or the hole, impossible map changes and a thousand random
// blocks each get an error status (or are ignored when there is nowhere to put one), and
// the host keeps answering valid requests afterwards.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;
using abi::HostOp;
using abi::HostStatus;

SLOTBOX_IMAGE("faults/host-assist");

namespace {

abi::HostRequest g_block;
constexpr int kRandomBlocks = 1000;

HostStatus send(const abi::HostRequest& request) {
  g_block = request;
  g_block.status = HostStatus::kPending;
  outl(abi::kHostAssistPort, static_cast<uint32_t>(reinterpret_cast<uint64_t>(&g_block)));
  return *const_cast<volatile HostStatus*>(&g_block.status);
}

abi::HostRequest request(HostOp op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, uint64_t d = 0, uint64_t e = 0) {
  return abi::HostRequest{abi::kHostAssistVersion, op, HostStatus::kPending, 0, {a, b, c, d, e, 0}, {}};
}

bool host_still_answers() { return host_call(HostOp::kSlotAt, 0).ok(); }

} // namespace

void image_main() {
  const char* names[] = {"blocks outside RAM are ignored", "a wrong version is refused", "an unknown opcode is refused",
                         "buffers outside RAM are refused", "impossible map changes are refused",
                         "live map changes are bounded", "1000 random blocks get a status each"};
  if (!host_present()) {
    for (const char* name : names) SKIP(kNoHostAssist, "%s", name);
    return;
  }
  outl(abi::kHostAssistPort, 0xFFFFFFF0);  // in the BIOS ROM
  outl(abi::kHostAssistPort, 0xFEB00000);  // the test device
  outl(abi::kHostAssistPort, 0xFFFFFFFF);
  CHECK(host_still_answers(), "%s", names[0]);

  abi::HostRequest wrong_version = request(HostOp::kSlotAt);
  wrong_version.version = 99;
  CHECK(send(wrong_version) == HostStatus::kBadVersion, "%s", names[1]);
  CHECK(send(request(static_cast<HostOp>(0xDEAD))) == HostStatus::kBadOpcode, "%s", names[2]);

  bool refused = send(request(HostOp::kStat, 0xFEB00000, 8)) == HostStatus::kBadArgument &&
                 send(request(HostOp::kStat, 0x1000, 100000)) == HostStatus::kBadArgument &&
                 send(request(HostOp::kDirtyLog, 2, 0x1000000, 0x10000, 0xFFFF0000, 64)) == HostStatus::kBadArgument &&
                 send(request(HostOp::kDirtyLog, 2, 0x1000000, 0x10000, 0x300000, 0)) == HostStatus::kBadArgument &&
                 send(request(HostOp::kDirtyLog, 7, 0x1000000, 0x10000)) == HostStatus::kBadArgument;
  CHECK(refused, "%s", names[3]);

  bool impossible = send(request(HostOp::kRamAlias, 0xD0000000, ~0ull - 10, 0x1000, 1)) == HostStatus::kBadArgument &&
                    send(request(HostOp::kMmioOverlay, 0xD0000000, 0, 1)) == HostStatus::kBadArgument &&
                    send(request(HostOp::kMmioOverlay, ~0ull - 0x100, 0x1000, 1)) == HostStatus::kBadArgument &&
                    send(request(HostOp::kMmioOverlay, 0xD0000000, 0, 0)) == HostStatus::kBadArgument;
  CHECK(impossible, "%s", names[4]);

  int accepted = 0;
  for (uint64_t i = 0; i < 100; ++i)
    accepted += send(request(HostOp::kMmioOverlay, 0xD0000000 + i * 0x10000, 0x1000, 1)) == HostStatus::kOk;
  for (uint64_t i = 0; i < 100; ++i) send(request(HostOp::kMmioOverlay, 0xD0000000 + i * 0x10000, 0, 0));
  CHECK(accepted == 64 && host_still_answers(), "%s (%d of 100 accepted)", names[5], accepted);

  uint64_t state = 0x243F6A8885A308D3;
  int answered = 0;
  for (int i = 0; i < kRandomBlocks; ++i) {
    auto* words = reinterpret_cast<uint64_t*>(&g_block);
    for (unsigned w = 0; w < sizeof g_block / 8; ++w) words[w] = next_random(state);
    g_block.version = abi::kHostAssistVersion;  // get past the version check half the time
    if (i % 2) g_block.version = static_cast<uint32_t>(state);
    g_block.op = static_cast<HostOp>(state % 10);  // mostly real opcodes with garbage arguments
    if (g_block.op == HostOp::kMmioOverlay || g_block.op == HostOp::kRamAlias || g_block.op == HostOp::kBiosWritable)
      g_block.op = HostOp::kSlotAt;  // map changes with random addresses could unmap this image's own RAM
    g_block.status = HostStatus::kPending;
    outl(abi::kHostAssistPort, static_cast<uint32_t>(reinterpret_cast<uint64_t>(&g_block)));
    answered += g_block.status != HostStatus::kPending;
  }
  CHECK(answered == kRandomBlocks && host_still_answers(), "%s (%d answered)", names[6], answered);
}
