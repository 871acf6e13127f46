// The runtime's page protections (page_protection.cpp), set up by the kernel at CPL0.
#pragma once

#include "per_cpu.h"
#include "slotbox/protection.h"

#include <stdint.h>

namespace slotbox::guest {

// At boot, before any CPL3 code: page 0, the payload's pages, the boot CPU's guard pages.
void protect_boot_memory(const PerCpu& boot_cpu);
// Before application processor `index` starts: its guard pages and kernel-only pages.
void protect_cpu_area(unsigned index);
// What a fault at `address` hit, for the crash line ("stack overflow", "null pointer
// dereference", ...), or nullptr for any other fault.
const char* fault_cause(const PerCpu& cpu, uint64_t vector, uint64_t error_code, uint64_t address);

} // namespace slotbox::guest
