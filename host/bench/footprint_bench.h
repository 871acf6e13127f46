// Footprint: peak RSS and start time of `slotbox run hello` with --ram 1G, 4G and 64G
// (guest RAM is reserved lazily, so neither should grow with the configured size), and of
// `slotbox run min.rom` against the raw floor's process.
#pragma once

#include "host/bench/bench_context.h"

namespace slotbox::bench {

Section footprint_section(const BenchContext& context);

} // namespace slotbox::bench
