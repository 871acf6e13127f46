// faults/kernel-stack-overflow: the kernel recurses at CPL0 until its stack's guard page
// stops it. The CPU cannot push the #PF onto that page, which makes it a #DF, delivered on
// a stack of its own (IST1); the crash line says "kernel stack overflow".
#include "slotbox/guest.h"

using namespace slotbox::guest;

SLOTBOX_CRASH_IMAGE("faults/kernel-stack-overflow", 8);  // #DF

void image_main() {
  print("# the kernel recurses without end\n");
  kernel_call(KernelOp::kOverflowKernelStack);
}
