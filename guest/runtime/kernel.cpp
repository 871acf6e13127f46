// Descriptor tables and the one-way switch from CPL0 to CPL3: the boot CPU's to the
// checks, and each application processor's to its wait for work (smp.cpp). The kernel
// stays tiny: on PVM each CPL0 instruction is emulated (docs/design.md §7).
#include "kernel.h"

#include "page_protection.h"
#include "per_cpu.h"
#include "slotbox/smp.h"

#include <stddef.h>

extern "C" const uint8_t interrupt_table[], interrupt_table_end[];  // trap_entry.asm
extern "C" [[noreturn]] void user_start();    // user_start.cpp
extern "C" [[noreturn]] void ap_user_start(); // smp.cpp

namespace slotbox::guest {
namespace {

// 64-bit TSS (SDM vol. 3A 8.7): RSP0, the stack for traps from CPL3, IST1, the stack for
// #DF, and the I/O map base.
struct __attribute__((packed)) TaskState {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t io_map_base;  // from this TSS's base to the I/O permission bitmap
};
static_assert(sizeof(TaskState) == 104);

// One TSS per CPU, side by side, then the I/O permission bitmap they all point at: every
// port allowed, plus the all-ones byte that must end the map (SDM vol. 1 19.5.2). IOPL 3
// alone should do, but PVM's KVM ignores IOPL for CPL3 code and checks the map. One map
// instead of one per CPU: 8 KiB that each CPU would zero at CPL0.
struct TaskStates {
  TaskState cpu[kMaxCpus];
  uint8_t io_map[65536 / 8];
  uint8_t io_map_end;
};

struct __attribute__((packed)) TablePointer {
  uint16_t limit;
  uint64_t base;
};

// Segment descriptors (SDM vol. 3A 3.4.5): flat, long-mode code has L set, accessed
// bits preset so the CPU never needs to write them.
constexpr uint64_t kKernelCodeDescriptor = 0x00AF9B000000FFFF;
constexpr uint64_t kKernelDataDescriptor = 0x00CF93000000FFFF;
constexpr uint64_t kUserDataDescriptor = 0x00CFF3000000FFFF;
constexpr uint64_t kUserCodeDescriptor = 0x00AFFB000000FFFF;
constexpr uint8_t kAvailableTss = 0x89;    // present, 64-bit TSS, available
// #DF gets a stack of its own (IST1, in its gate in trap_entry.asm): it is how a kernel
// stack overflow shows (a #PF the CPU cannot push onto the guard page), and that needs a
// stack that is still there.
constexpr uint8_t kDoubleFaultStack = 1;
constexpr uint64_t kUserFlags = 0x3002;    // IOPL 3 (port I/O from CPL3), reserved bit 1, IF 0

constexpr uint32_t kMsrGsBase = 0xC0000101;  // IA32_GS_BASE (SDM vol. 4 table 2-2)

// The GDT: the four flat segments, then a TSS descriptor (two entries) per CPU.
constexpr size_t kGdtEntries = kTaskState / 8 + 2 * kMaxCpus;

// In .kernel_only (out of CPL3's reach), which the boot stub does not zero: every byte
// zeroed at CPL0 is an emulated write on PVM. A CPU's TSS and descriptor are written
// before it loads them, and its GDTR ends at its own descriptor, so no CPU can see an
// entry that was never written.
__attribute__((section(".kernel_only"))) TaskStates g_task_states;
__attribute__((section(".kernel_only"))) uint64_t g_gdt[kGdtEntries];

// What every CPU shares, written once by the boot CPU: the segments and the I/O bitmap
// (one string instruction, as the boot stub zeroes .bss). The IDT is a constant.
void write_shared_tables() {
  g_gdt[0] = 0;
  g_gdt[kKernelCode >> 3] = kKernelCodeDescriptor;
  g_gdt[kKernelData >> 3] = kKernelDataDescriptor;
  g_gdt[kUserData >> 3] = kUserDataDescriptor;
  g_gdt[kUserCode >> 3] = kUserCodeDescriptor;
  uint8_t* map = g_task_states.io_map;
  uint64_t quadwords = sizeof g_task_states.io_map / 8;
  asm volatile("rep stosq" : "+D"(map), "+c"(quadwords) : "a"(0ull) : "memory");
  g_task_states.io_map_end = 0xFF;
}

// Loads the GDT up to this CPU's TSS descriptor, reloads CS with a far return, then the
// data segments, the task register and the shared IDT.
void load_tables(unsigned cpu) {
  uint16_t task_state = task_state_selector(cpu);
  TablePointer gdt{static_cast<uint16_t>(task_state + 16 - 1), reinterpret_cast<uint64_t>(g_gdt)};
  TablePointer idt{static_cast<uint16_t>(interrupt_table_end - interrupt_table - 1),
                   reinterpret_cast<uint64_t>(interrupt_table)};
  asm volatile(
      "lgdt %0\n"
      "pushq %2\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1:\n"
      "movw %w3, %%ax\n"
      "movw %%ax, %%ds\n"
      "movw %%ax, %%es\n"
      "movw %%ax, %%ss\n"
      "ltr %w4\n"
      "lidt %1\n"
      :
      : "m"(gdt), "m"(idt), "i"(kKernelCode), "r"(uint64_t{kKernelData}), "r"(uint64_t{task_state})
      : "rax", "memory");  // the CPU reads g_gdt: keep its stores
}

// GS holds the null selector, which neither iretq nor anything else reloads, and its
// base is the CPU's PerCpu, at CPL0 and CPL3 alike.
void set_gs_base(PerCpu& cpu) {
  uint64_t base = reinterpret_cast<uint64_t>(&cpu);
  asm volatile("movw %w0, %%gs\n"
               "wrmsr\n"
               :
               : "r"(uint16_t{0}), "c"(kMsrGsBase), "a"(static_cast<uint32_t>(base)),
                 "d"(static_cast<uint32_t>(base >> 32))
               : "memory");
}

[[noreturn]] void enter_user_mode(uint64_t stack_top, void (*entry)()) {
  asm volatile(
      "pushq %0\n"  // SS
      "pushq %1\n"  // RSP
      "pushq %2\n"  // RFLAGS
      "pushq %3\n"  // CS
      "pushq %4\n"  // RIP
      "xor %%ebp, %%ebp\n"  // the outermost frame: a host's stack walk ends here
      "iretq\n"
      :
      : "i"(uint64_t{kUserData}), "r"(stack_top), "i"(kUserFlags), "i"(uint64_t{kUserCode}),
        "r"(reinterpret_cast<uint64_t>(entry)));
  __builtin_unreachable();
}

// A CPU's way from its first C++ code to CPL3, the same for the boot CPU and the others.
[[noreturn]] void run_cpu(unsigned index, void (*user_entry)()) {
  PerCpu& cpu = cpu_data(index);
  set_gs_base(cpu);  // before the IDT: a trap handler finds its CPU through GS
  load_tables(index);
  enter_user_mode(cpu.user_stack_top, user_entry);
}

} // namespace

// A TSS and its GDT descriptor for CPU `cpu` (SDM vol. 3A 8.2.3): base, limit through
// the end of the shared I/O bitmap.
void install_task_state(unsigned cpu, uint64_t kernel_stack_top, uint64_t double_fault_stack_top) {
  TaskState& task_state = g_task_states.cpu[cpu];
  task_state = TaskState{};
  task_state.rsp[0] = kernel_stack_top;
  task_state.ist[kDoubleFaultStack - 1] = double_fault_stack_top;
  uint64_t base = reinterpret_cast<uint64_t>(&task_state);
  task_state.io_map_base = static_cast<uint16_t>(reinterpret_cast<uint64_t>(g_task_states.io_map) - base);
  uint64_t limit = reinterpret_cast<uint64_t>(&g_task_states.io_map_end) - base;
  size_t entry = task_state_selector(cpu) >> 3;
  g_gdt[entry] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | uint64_t{kAvailableTss} << 40 |
                 (limit >> 16 & 0xF) << 48 | (base >> 24 & 0xFF) << 56;
  g_gdt[entry + 1] = base >> 32;
}

} // namespace slotbox::guest

extern "C" [[noreturn]] void kernel_main() {
  using namespace slotbox::guest;
  write_shared_tables();
  init_cpu_data(0);
  const PerCpu& boot_cpu = cpu_data(0);
  protect_boot_memory(boot_cpu);
  install_task_state(0, boot_cpu.kernel_stack_top, boot_cpu.double_fault_stack_top);
  run_cpu(0, user_start);
}

// An application processor, from ap_long_mode_entry on its kernel stack (long_mode.asm),
// after start_cpus() prepared its data and TSS (cpu_start.cpp).
extern "C" [[noreturn]] void ap_kernel_main(uint32_t index) {
  slotbox::guest::run_cpu(index, ap_user_start);
}
