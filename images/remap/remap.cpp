// remap: the map changes under a running guest. An MMIO window laid over part of low RAM
// splits its slot: accesses in the window exit, the RAM around it keeps its contents, and
// after removal the RAM under the window has its old contents again. The BIOS switched
// writable takes writes, and read-only again drops them; the host's slot flags follow.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("remap");

extern "C" const char ROM_SIZE[];

namespace {

constexpr uint64_t kRam = 0x400000;     // 64 KiB of free low RAM
constexpr uint64_t kRamSize = 0x10000;
constexpr uint64_t kWindow = 0x404000;  // 8 KiB in its middle
constexpr uint64_t kWindowSize = 0x2000;

volatile uint64_t* at(uint64_t address) { return reinterpret_cast<volatile uint64_t*>(address); }
uint64_t pattern(uint64_t address) { return 0x5EED000000000000 | address; }

bool pattern_holds(uint64_t start, uint64_t end) {
  for (uint64_t address = start; address < end; address += 8)
    if (*at(address) != pattern(address)) return false;
  return true;
}

void check_overlay() {
  const char* names[] = {"an MMIO window over RAM exits", "RAM around the window keeps its contents",
                         "the window splits the RAM slot", "after removal RAM has its old contents"};
  if (!host_present()) {
    for (const char* name : names) SKIP(kNoHostAssist, "%s", name);
    return;
  }
  for (uint64_t address = kRam; address < kRam + kRamSize; address += 8) *at(address) = pattern(address);
  HostReply added = host_call(abi::HostOp::kMmioOverlay, kWindow, kWindowSize, 1);
  HostReply before = host_exit_count(abi::ExitKind::kMmio, kWindow, kWindow + kWindowSize);
  *at(kWindow + 0x10) = 77;
  uint64_t read_back = *at(kWindow + 0x10);
  uint64_t fresh = *at(kWindow + 0x1000);
  HostReply after = host_exit_count(abi::ExitKind::kMmio, kWindow, kWindow + kWindowSize);
  CHECK(added.ok() && read_back == 77 && fresh == 0 && after.value[0] - before.value[0] == 2 &&
            after.value[1] - before.value[1] == 1,
        "%s (1 write, 2 reads -> %lu, %lu exits; fresh window reads 0x%lx)", names[0],
        after.value[1] - before.value[1], after.value[0] - before.value[0], fresh);
  CHECK(pattern_holds(kRam, kWindow) && pattern_holds(kWindow + kWindowSize, kRam + kRamSize), "%s", names[1]);
  HostReply below = host_call(abi::HostOp::kSlotAt, kWindow - 0x1000);
  HostReply inside = host_call(abi::HostOp::kSlotAt, kWindow);
  HostReply above = host_call(abi::HostOp::kSlotAt, kWindow + kWindowSize);
  CHECK(below.value[0] && below.value[1] + below.value[2] == kWindow && !inside.value[0] && above.value[0] &&
            above.value[1] == kWindow + kWindowSize,
        "%s: one slot ends at 0x%lx, none inside, the next starts at 0x%lx", names[2],
        below.value[1] + below.value[2], above.value[1]);
  HostReply removed = host_call(abi::HostOp::kMmioOverlay, kWindow, 0, 0);
  CHECK(removed.ok() && pattern_holds(kRam, kRam + kRamSize), "%s", names[3]);
}

void check_bios_writable() {
  const char* names[] = {"a writable BIOS takes writes, its slot is not read-only",
                         "read-only again, the BIOS drops writes and its slot is read-only"};
  if (!host_present()) {
    for (const char* name : names) SKIP(kNoHostAssist, "%s", name);
    return;
  }
  uint64_t bios = (1ull << 32) - reinterpret_cast<uint64_t>(ROM_SIZE);
  volatile uint8_t* byte = reinterpret_cast<volatile uint8_t*>(bios + 0x900);
  uint8_t original = *byte;
  host_call(abi::HostOp::kBiosWritable, 1);
  *byte = static_cast<uint8_t>(~original);
  uint8_t written = *byte;
  HostReply slot = host_call(abi::HostOp::kSlotAt, bios);
  CHECK(written == static_cast<uint8_t>(~original) && slot.value[0] && !(slot.value[3] & abi::kSlotReadonly),
        "%s (read 0x%x, flags 0x%lx)", names[0], written, slot.value[3]);
  host_call(abi::HostOp::kBiosWritable, 0);
  *byte = original;
  uint8_t kept = *byte;
  slot = host_call(abi::HostOp::kSlotAt, bios);
  CHECK(kept == static_cast<uint8_t>(~original) && (slot.value[3] & abi::kSlotReadonly),
        "%s (read 0x%x, flags 0x%lx)", names[1], kept, slot.value[3]);
}

} // namespace

void image_main() {
  check_overlay();
  check_bios_writable();
}
