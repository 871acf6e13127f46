// Where each CPU's data and stacks are. The boot CPU's stacks are in .stack; every other
// CPU has an area of its own in RAM from 8 MiB (cpu_areas, linker/rom.ld), which only an
// image that starts the other CPUs uses.
#include "per_cpu.h"

#include "slotbox/smp.h"

namespace slotbox::guest {

struct ApArea;
extern "C" ApArea cpu_areas[];          // linker/rom.ld: CPUs 1 .. kMaxCpus - 1
extern "C" uint8_t kernel_stack_guard[], kernel_stack_top[];  // long_mode.asm: the boot stub's stack

namespace {

constexpr size_t kUserStackSize = 64 * 1024;
constexpr size_t kDoubleFaultStackSize = 4096;
constexpr size_t kApKernelStackSize = 12 * 1024;
constexpr size_t kApUserStackSize = 36 * 1024;

// In .stack and .kernel_only, which the boot stub does not zero: stacks need no initial
// value, and every byte zeroed at CPL0 is an emulated write on PVM. The areas are never
// zeroed either.
__attribute__((section(".stack"))) GuardedStack<kUserStackSize> g_user_stack;
alignas(16) __attribute__((section(".kernel_only"))) uint8_t g_double_fault_stack[kDoubleFaultStackSize];
PerCpu g_boot_cpu;

uint64_t top(uint8_t* stack, size_t size) { return reinterpret_cast<uint64_t>(stack + size); }

} // namespace

// 64 KiB per CPU: its data, then the kernel's pages (page_protection.cpp keeps CPL3 out of
// them), then the user stack, each stack over its own guard page.
struct ApArea {
  alignas(kPageSize) PerCpu cpu;
  alignas(kPageSize) uint8_t double_fault_stack[kDoubleFaultStackSize];
  GuardedStack<kApKernelStackSize> kernel_stack;
  GuardedStack<kApUserStackSize> user_stack;
};
static_assert(sizeof(ApArea) == 64 * 1024);
static_assert((kMaxCpus - 1) * sizeof(ApArea) <= 4 << 20, "rom.ld reserves 4 MiB for cpu_areas");

PerCpu& cpu_data(unsigned index) { return index == 0 ? g_boot_cpu : cpu_areas[index - 1].cpu; }

KernelPages ap_kernel_pages(unsigned index) {
  ApArea& area = cpu_areas[index - 1];
  return KernelPages{reinterpret_cast<uint64_t>(area.double_fault_stack), area.user_stack.guard_page()};
}

void init_cpu_data(unsigned index) {
  PerCpu& cpu = cpu_data(index);
  cpu.self = &cpu;
  cpu.index = index;
  cpu.online = 0;
  cpu.probe = FaultProbe{};
  if (index == 0) {
    cpu.kernel_stack_top = reinterpret_cast<uint64_t>(kernel_stack_top);
    cpu.kernel_stack_guard = reinterpret_cast<uint64_t>(kernel_stack_guard);
    cpu.user_stack_top = g_user_stack.top();
    cpu.user_stack_guard = g_user_stack.guard_page();
    cpu.double_fault_stack_top = top(g_double_fault_stack, kDoubleFaultStackSize);
  } else {
    ApArea& area = cpu_areas[index - 1];
    cpu.kernel_stack_top = area.kernel_stack.top();
    cpu.kernel_stack_guard = area.kernel_stack.guard_page();
    cpu.user_stack_top = area.user_stack.top();
    cpu.user_stack_guard = area.user_stack.guard_page();
    cpu.double_fault_stack_top = top(area.double_fault_stack, kDoubleFaultStackSize);
  }
}

} // namespace slotbox::guest
