// Exit round trips: a loop of port writes (to an unassigned port) and of MMIO writes (to
// the read-only ROM), from CPL0 (real mode) and CPL3 (protected mode, IOPL 3), through
// slotbox's full dispatch against a raw KVM_RUN loop running the same ROM.
#pragma once

#include "host/bench/bench_context.h"

namespace slotbox::bench {

Section exit_section(const BenchContext& context);

} // namespace slotbox::bench
