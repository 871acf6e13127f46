// faults/spin: a guest that never ends. The watchdog must stop it; the image declares a
// timeout after 250 ms, so that end counts as a pass.
#include "slotbox/guest.h"

SLOTBOX_NEGATIVE_IMAGE("faults/spin", kTimeout, 250);

void image_main() {
  for (;;) asm volatile("" ::: "memory");  // at CPL3, natively: no exit ever reaches the host
}
