// VM lifecycle inside one process: create -> map -> boot -> exit -> destroy of the minimal
// ROM through slotbox's PcMachine and run controller, against the raw floor's calls.
#pragma once

#include "host/bench/bench_context.h"

namespace slotbox::bench {

Section lifecycle_section(const BenchContext& context);

} // namespace slotbox::bench
