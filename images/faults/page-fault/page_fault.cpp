// faults/page-fault: a read at CPL3 from an address no page table maps raises #PF. The
// runtime reports it with CR2 and the error code in one line and ends with its crash status.
#include "slotbox/guest.h"

SLOTBOX_CRASH_IMAGE("faults/page-fault", 14);  // #PF

namespace {
// The boot page tables fill PML4 entry 0 only (the first 512 GiB): entry 254 is absent.
constexpr uint64_t kUnmapped = 0x7F0000000000;
} // namespace

void image_main() {
  slotbox::guest::print("# reading unmapped 0x%lx at CPL3\n", kUnmapped);
  slotbox::guest::mmio_read<uint64_t>(kUnmapped);
}
