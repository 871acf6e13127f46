// faults/kernel-null-dereference: a kernel call handed a null buffer; the kernel reads
// it at CPL0, page 0 is not mapped there either, and the crash line says so with CPL 0.
#include "slotbox/guest.h"

using namespace slotbox::guest;

SLOTBOX_CRASH_IMAGE("faults/kernel-null-dereference", 14);  // #PF

void image_main() {
  print("# a kernel call writes 16 bytes from address 0 to the console\n");
  kernel_call(KernelOp::kWriteSerial, 0, 16);
}
