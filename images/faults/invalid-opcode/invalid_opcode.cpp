// faults/invalid-opcode: UD1 at CPL3 raises #UD. Only `ud2` (0F 0B) is a kernel call, so
// the runtime must tell the two apart, report this one in one line and end with its crash
// status.
#include "slotbox/guest.h"

SLOTBOX_CRASH_IMAGE("faults/invalid-opcode", 6);  // #UD

void image_main() {
  slotbox::guest::print("# executing UD1 at CPL3\n");
  asm volatile(".byte 0x0f, 0xb9, 0xc0");  // ud1 eax, eax (SDM vol. 2B, UD)
}
