// template: a starting point for your own image. Copy this folder to images/NAME, rename
// the file and the image, add `add_subdirectory(NAME)` to images/CMakeLists.txt, and run
// `scripts/run NAME`. Checks run at CPL3; see guest/include/slotbox/ for what you can use.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("template");

void image_main() {
  // A plain check: a condition and a name that carries the numbers behind it.
  uint64_t low = read_cmos_memory().low_ram();
  CHECK(low >= (16u << 20), "low RAM is 0x%lx bytes", low);

  // A check that compares two values prints both when it fails.
  auto* word = reinterpret_cast<volatile uint64_t*>(0x600000);
  *word = 0x1234;
  CHECK_EQ(*word, 0x1234, "RAM at 0x600000 keeps what was written");

  // Host-assisted checks need slotbox's host; under QEMU they report SKIP.
  if (!host_present()) return SKIP(kNoHostAssist, "KVM counted page faults");
  uint64_t faults = host_stat("pf_fixed");
  CHECK(faults != ~0ull, "KVM counted %lu page faults so far", faults);
}
