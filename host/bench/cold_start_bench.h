// Cold start, whole process (fork/exec to exit): `slotbox run` of the minimal ROM against
// the raw floor (slotbox-floor) and against QEMU -M pc and -M microvm with the same ROM;
// `slotbox run hello` against QEMU -M pc with hello's ROM.
#pragma once

#include "host/bench/bench_context.h"

namespace slotbox::bench {

Section cold_start_section(const BenchContext& context);

} // namespace slotbox::bench
