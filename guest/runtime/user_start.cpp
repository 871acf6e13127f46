// The first code at CPL3: constructors, the image's checks, the tally, the exit status.
#include "kernel.h"
#include "slotbox/check.h"
#include "slotbox/console.h"
#include "slotbox/image.h"

using Constructor = void (*)();
extern "C" Constructor __init_array_start[], __init_array_end[];

extern "C" [[noreturn]] void user_start() {
  using namespace slotbox::guest;
  for (Constructor* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
    (*constructor)();
  image_main();
  CheckTally tally = check_tally();
  print("1..%u\n", tally.passed + tally.failed + tally.skipped);
  print("# %s: %u passed, %u failed, %u skipped\n", kImageName, tally.passed, tally.failed,
        tally.skipped);
  exit_guest(tally.failed ? slotbox::abi::kStatusFail : slotbox::abi::kStatusPass);
}
