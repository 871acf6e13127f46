// The memory map alone (no KVM needed): render + commit of a tree of n RAM regions into
// slots, for n = 10, 100, 1000, 10000, each against the size before it to show the growth;
// and what one changed region costs in a map of 1000: the KVM slot calls it makes (on a
// real VM when /dev/kvm is usable, else counted on a table in memory) and its time.
#pragma once

#include "host/bench/bench_context.h"

namespace slotbox::bench {

Section memory_map_section(const BenchContext& context);

} // namespace slotbox::bench
