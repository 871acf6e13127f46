// faults/general-protection: a read at CPL3 from a non-canonical address raises #GP(0).
// The runtime reports it in one line and ends with its crash status.
#include "slotbox/guest.h"

SLOTBOX_CRASH_IMAGE("faults/general-protection", 13);  // #GP

namespace {
// Bits 63:48 must copy bit 47 (SDM vol. 1 3.3.7.1); this address breaks the rule.
constexpr uint64_t kNonCanonical = 0x8000000000000000;
} // namespace

void image_main() {
  slotbox::guest::print("# reading non-canonical 0x%lx at CPL3\n", kNonCanonical);
  slotbox::guest::mmio_read<uint64_t>(kNonCanonical);
}
