// Where each CPU's data and stacks are. The boot CPU's stacks are in .stack; every other
// CPU has an area of its own in RAM from 8 MiB (cpu_areas, linker/rom.ld), which only an
// image that starts the other CPUs uses.
#include "per_cpu.h"

#include "slotbox/smp.h"

namespace slotbox::guest {

struct ApArea;
extern "C" ApArea cpu_areas[];        // linker/rom.ld: CPUs 1 .. kMaxCpus - 1
extern "C" uint8_t kernel_stack_top[];  // long_mode.asm: the boot stub's stack

namespace {

constexpr size_t kUserStackSize = 64 * 1024;
constexpr size_t kApKernelStackSize = 12 * 1024;
constexpr size_t kApUserStackSize = 48 * 1024;

// In .stack, which the boot stub does not zero: stacks need no initial value, and every
// byte zeroed at CPL0 is an emulated write on PVM. The areas are never zeroed either.
alignas(16) __attribute__((section(".stack"))) uint8_t g_user_stack[kUserStackSize];
PerCpu g_boot_cpu;

uint64_t top(uint8_t* stack, size_t size) { return reinterpret_cast<uint64_t>(stack + size); }

} // namespace

struct ApArea {
  alignas(4096) PerCpu cpu;
  alignas(4096) uint8_t kernel_stack[kApKernelStackSize];
  uint8_t user_stack[kApUserStackSize];
};
static_assert(sizeof(ApArea) == 64 * 1024);
static_assert((kMaxCpus - 1) * sizeof(ApArea) <= 4 << 20, "rom.ld reserves 4 MiB for cpu_areas");

PerCpu& cpu_data(unsigned index) { return index == 0 ? g_boot_cpu : cpu_areas[index - 1].cpu; }

void init_cpu_data(unsigned index) {
  PerCpu& cpu = cpu_data(index);
  cpu.self = &cpu;
  cpu.index = index;
  cpu.online = 0;
  cpu.probe = FaultProbe{};
  if (index == 0) {
    cpu.kernel_stack_top = reinterpret_cast<uint64_t>(kernel_stack_top);
    cpu.user_stack_top = top(g_user_stack, kUserStackSize);
  } else {
    ApArea& area = cpu_areas[index - 1];
    cpu.kernel_stack_top = top(area.kernel_stack, kApKernelStackSize);
    cpu.user_stack_top = top(area.user_stack, kApUserStackSize);
  }
}

} // namespace slotbox::guest
