// The whole named image suite as `slotbox` runs it: serial (--jobs 1) against parallel
// (--jobs N, the host's CPUs), whole process, same images.
#pragma once

#include "host/bench/bench_context.h"

namespace slotbox::bench {

Section suite_section(const BenchContext& context);

} // namespace slotbox::bench
