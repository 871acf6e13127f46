// faults/stack-overflow: unbounded recursion at CPL3 on the last CPU (CPU 0 unless run
// with --smp N / -smp N). The user stack's guard page stops it: #PF, and the crash line
// says "stack overflow" (and " on CPU n" for an application processor).
#include "slotbox/guest.h"

using namespace slotbox::guest;

SLOTBOX_CRASH_IMAGE("faults/stack-overflow", 14);  // #PF

namespace {

volatile uint64_t g_limit = ~0ull;

// Each frame holds a volatile array, so no call can be merged into the next.
[[gnu::noinline]] uint64_t recurse(uint64_t depth) {
  volatile uint64_t frame[64];
  frame[0] = depth;
  if (depth == g_limit) return frame[0];
  return recurse(depth + 1) + frame[0];
}

} // namespace

void image_main() {
  unsigned last = start_cpus() - 1;
  print("# recursing without end at CPL3 on CPU %u\n", last);
  on_each_cpu([last] {
    if (this_cpu() == last) recurse(0);
  });
}
