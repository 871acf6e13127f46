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
  uint64_t double_fault_stack_top;  // its TSS.IST1: #DF, even when the kernel stack is gone
  uint64_t kernel_stack_guard;      // the unmapped page under each stack (page_protection.cpp)
  uint64_t user_stack_guard;
  FaultProbe probe;           // traps.cpp
  abi::HostRequest request;   // host.cpp: its own block, so CPUs may ask the host at once
};
inline constexpr size_t kPerCpuIndexOffset = offsetof(PerCpu, index);

inline constexpr uint64_t kPageSize = 4096;

// A stack with the page under it left unmapped: an overflow faults on that page.
template <size_t Size>
struct alignas(kPageSize) GuardedStack {
  static_assert(Size % kPageSize == 0);
  uint8_t guard[kPageSize];
  uint8_t stack[Size];
  uint64_t guard_page() const { return reinterpret_cast<uint64_t>(guard); }
  uint64_t top() const { return reinterpret_cast<uint64_t>(stack + Size); }
};

// The per-CPU data of CPU `index`: the boot CPU's is in .bss, the others' in their areas.
PerCpu& cpu_data(unsigned index);
// The pages of an application processor's area that only the kernel may touch: its #DF
// stack and kernel stack, from `start` up to its user stack's guard page.
struct KernelPages {
  uint64_t start, end;
};
KernelPages ap_kernel_pages(unsigned index);
// Fills in what CPU `index` needs before it runs (at CPL0): its index and stacks.
void init_cpu_data(unsigned index);

// The caller's own PerCpu. The GS base never changes once set, so this may be cached.
inline PerCpu& current_cpu() {
  PerCpu* self;
  asm("mov %%gs:0, %0" : "=r"(self));
  return *self;
}

} // namespace slotbox::guest
