// faults/divide-error: a division by zero at CPL3 raises #DE. The runtime must report it
// in one line from CPL0 and end the run with its crash status, on every backend; before,
// the report itself trapped and the run ended in a triple fault.
#include "slotbox/guest.h"

SLOTBOX_CRASH_IMAGE("faults/divide-error", 0);  // #DE (SDM vol. 3A table 6-1)

void image_main() {
  slotbox::guest::print("# dividing by zero at CPL3\n");
  uint64_t dividend = 1, divisor = 0;
  asm volatile("xor %%edx, %%edx\n divq %1" : "+a"(dividend) : "r"(divisor) : "rdx");
}
