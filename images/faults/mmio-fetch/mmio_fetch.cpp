// faults/mmio-fetch: jump into the MMIO hole, where no memory backs the address. KVM cannot
// fetch the instruction and ends the run with KVM_EXIT_INTERNAL_ERROR (emulation failure);
// the image declares that end.
#include "slotbox/guest.h"

SLOTBOX_NEGATIVE_IMAGE("faults/mmio-fetch", kMmioFetch, 2000);

void image_main() {
  uint64_t hole = slotbox::guest::read_cmos_memory().low_ram() + 0x100000;
  slotbox::guest::print("# jumping to 0x%lx in the MMIO hole\n", hole);
  asm volatile("jmp *%0" ::"r"(hole));
}
