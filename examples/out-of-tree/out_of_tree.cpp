// An image of your own, built with the installed runtime (see CMakeLists.txt).
#include "slotbox/guest.h"

using namespace slotbox::guest;

SLOTBOX_IMAGE("out-of-tree");

void image_main() {
  CHECK(kernel_call(KernelOp::kReadCs) == 0x8, "kernel calls reach the runtime's CPL0 kernel");
  CmosMemory cmos = read_cmos_memory();
  CHECK(cmos.low_ram() > 0, "the CMOS reports low RAM (0x%lx bytes)", cmos.low_ram());
  auto* word = reinterpret_cast<volatile uint64_t*>(0x1000000);
  *word = 0x5A5A;
  CHECK_EQ(*word, 0x5A5A, "RAM at 16 MiB keeps what was written");
  CHECK(probe_read(0).faulted(), "page 0 is not mapped");
}
