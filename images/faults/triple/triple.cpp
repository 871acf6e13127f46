// faults/triple: the guest kernel loads an empty IDT and raises an exception, which
// cannot be delivered: a triple fault. The host must see KVM_EXIT_SHUTDOWN and say so;
// the image declares that end.
#include "slotbox/guest.h"

SLOTBOX_NEGATIVE_IMAGE("faults/triple", kTripleFault, 2000);

void image_main() {
  slotbox::guest::print("# triple-faulting on purpose\n");
  slotbox::guest::kernel_call(slotbox::guest::KernelOp::kTripleFault);
}
