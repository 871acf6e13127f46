// First touch: a CPL3 loop writing one byte per 4 KiB page of a window of guest RAM (no
// guest paging, so every page is a fault in KVM's MMU: EPT/NPT or shadow), in slotbox
// against the raw floor with 4 KiB pages (MADV_NOHUGEPAGE) and with THP (MADV_HUGEPAGE).
#pragma once

#include "host/bench/bench_context.h"

namespace slotbox::bench {

Section touch_section(const BenchContext& context, uint64_t window);

} // namespace slotbox::bench
