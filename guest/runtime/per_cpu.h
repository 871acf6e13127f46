// Per-CPU data, reached through the GS base. The kernel points IA32_GS_BASE of each CPU at
// its own PerCpu once and never swaps it (no swapgs), so `mov %gs:0` finds the same block
// at CPL0 and at CPL3.
#pragma once

#include "slotbox/abi.h"

#include <stddef.h>
#include <stdint.h>

namespace slotbox::guest {

// The armed fault probe (kernel_call.h kArmFault) and what it caught.
struct FaultProbe {
  bool armed = false;
  uint64_t resume = 0;
  uint64_t vector = ~0ull;
  uint64_t address = 0;
  uint64_t error = 0;
};

struct PerCpu {
  PerCpu* self;               // %gs:0
  uint32_t index;             // this_cpu()
  uint32_t online;            // set by the CPU itself once it waits for work at CPL3
  uint64_t kernel_stack_top;  // its TSS.RSP0
  uint64_t user_stack_top;
  FaultProbe probe;           // traps.cpp
  abi::HostRequest request;   // host.cpp: its own block, so CPUs may ask the host at once
};
inline constexpr size_t kPerCpuIndexOffset = offsetof(PerCpu, index);

// The per-CPU data of CPU `index`: the boot CPU's is in .bss, the others' in their areas.
PerCpu& cpu_data(unsigned index);
// Fills in what CPU `index` needs before it runs (at CPL0): its index and stacks.
void init_cpu_data(unsigned index);

// The caller's own PerCpu. The GS base never changes once set, so this may be cached.
inline PerCpu& current_cpu() {
  PerCpu* self;
  asm("mov %%gs:0, %0" : "=r"(self));
  return *self;
}

} // namespace slotbox::guest
