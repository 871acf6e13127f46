// alias: one RAM, several windows onto it. RAM above 4 GiB is a different part of RAM
// than low RAM, at RAM offset `low` (the host confirms); the isa-bios alias is the BIOS's
// tail; an alias of a low-RAM window that the host adds at a hole address shows the same
// bytes both ways, and after removal the address is unassigned again.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("alias");

namespace {

constexpr uint64_t kFourGiB = 1ull << 32;
constexpr uint64_t kPage = 4096;
constexpr uint64_t kWindowRamOffset = 0x300000;  // free low RAM, above the payload
constexpr uint64_t kWindowSize = 0x10000;
constexpr uint64_t kHoleGap = 0x1000000;         // where in the hole the alias goes

volatile uint64_t* at(uint64_t address) { return reinterpret_cast<volatile uint64_t*>(address); }

void check_high_ram(uint64_t low, uint64_t high) {
  if (!high) {
    SKIP("no RAM above 4 GiB with this --ram", "high RAM is distinct from low RAM");
    SKIP("no RAM above 4 GiB with this --ram", "high RAM starts at RAM offset low");
    return;
  }
  // Page 1, not page 0: the runtime leaves page 0 unmapped (slotbox/protection.h).
  *at(kPage) = 0x1111;
  *at(kFourGiB + kPage) = 0x2222;
  CHECK(*at(kPage) == 0x1111 && *at(kFourGiB + kPage) == 0x2222,
        "high RAM at 4 GiB is distinct from low RAM at 0 (page 1 of each)");
  if (!host_present()) return SKIP(kNoHostAssist, "high RAM starts at RAM offset low");
  HostReply slot = host_call(abi::HostOp::kSlotAt, kFourGiB);
  CHECK(slot.ok() && slot.value[0] && slot.value[5] == low,
        "high RAM starts at RAM offset 0x%lx (host: slot at 0x%lx, RAM offset 0x%lx)", low, slot.value[1],
        slot.value[5]);
}

void check_isa_bios() {
  if (!host_present()) return SKIP(kNoHostAssist, "isa-bios is a read-only slot onto the BIOS tail");
  HostReply slot = host_call(abi::HostOp::kSlotAt, 0xE0000);
  CHECK(slot.ok() && slot.value[0] && (slot.value[3] & abi::kSlotReadonly),
        "isa-bios is a read-only slot (flags 0x%lx) onto the BIOS tail at offset 0x%lx", slot.value[3],
        slot.value[5]);
}

void check_host_alias(uint64_t low) {
  const char* names[] = {"host alias of low RAM shows its bytes", "writes through the alias reach RAM",
                         "writes to RAM show through the alias", "after removal the alias address is unassigned"};
  if (!host_present()) {
    for (const char* name : names) SKIP(kNoHostAssist, "%s", name);
    return;
  }
  uint64_t alias = low + kHoleGap;
  for (uint64_t i = 0; i < kWindowSize / 8; i += 64) *at(kWindowRamOffset + i * 8) = 0xA5A50000 + i;
  HostReply added = host_call(abi::HostOp::kRamAlias, alias, kWindowRamOffset, kWindowSize, 1);
  bool same = added.ok();
  for (uint64_t i = 0; same && i < kWindowSize / 8; i += 64) same = *at(alias + i * 8) == 0xA5A50000 + i;
  CHECK(same, "%s (0x%lx -> RAM 0x%lx, status %u)", names[0], alias, kWindowRamOffset,
        static_cast<unsigned>(added.status));
  *at(alias + 0x100) = 0xBEEF;
  CHECK_EQ(*at(kWindowRamOffset + 0x100), 0xBEEF, "%s", names[1]);
  *at(kWindowRamOffset + 0x200) = 0xF00D;
  CHECK_EQ(*at(alias + 0x200), 0xF00D, "%s", names[2]);
  HostReply removed = host_call(abi::HostOp::kRamAlias, alias, 0, 0, 0);
  CHECK(removed.ok() && *at(alias + 0x200) == 0, "%s", names[3]);
}

} // namespace

void image_main() {
  CmosMemory cmos = read_cmos_memory();
  check_high_ram(cmos.low_ram(), cmos.high_ram());
  check_isa_bios();
  check_host_alias(cmos.low_ram());
}
