// Descriptor tables and the one-way switch from the boot stub's CPL0 to the checks at
// CPL3. The kernel stays tiny: on PVM each CPL0 instruction is emulated (DESIGN.md §7).
#include "kernel.h"

#include <stddef.h>

extern "C" const uint64_t trap_stubs[32];  // trap_entry.asm
extern "C" [[noreturn]] void user_start(); // user_start.cpp

namespace slotbox::guest {
namespace {

// 64-bit TSS (SDM vol. 3A 8.7): only RSP0 matters, the stack for traps from CPL3.
struct __attribute__((packed)) TaskState {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t io_map_base;
  // Every port allowed, plus the all-ones byte that must end the map (SDM vol. 1 19.5.2).
  // IOPL 3 alone should do, but PVM's KVM ignores IOPL for CPL3 code and checks the map.
  uint8_t io_map[65536 / 8];
  uint8_t io_map_end;
};

// Interrupt gate (SDM vol. 3A 6.14.1).
struct __attribute__((packed)) Gate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type;
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
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
constexpr uint8_t kInterruptGate = 0x8E;   // present, DPL0, 64-bit interrupt gate
constexpr uint64_t kUserFlags = 0x3002;    // IOPL 3 (port I/O from CPL3), reserved bit 1, IF 0

constexpr size_t kUserStackSize = 64 * 1024;

// In .stack, which the boot stub does not zero: stacks need no initial value, and every
// byte zeroed at CPL0 is an emulated write on PVM.
alignas(16) __attribute__((section(".stack"))) uint8_t g_user_stack[kUserStackSize];
TaskState g_task_state;
uint64_t g_gdt[7];
Gate g_idt[32];

void load_gdt() {
  g_gdt[0] = 0;
  g_gdt[kKernelCode >> 3] = kKernelCodeDescriptor;
  g_gdt[kKernelData >> 3] = kKernelDataDescriptor;
  g_gdt[kUserData >> 3] = kUserDataDescriptor;
  g_gdt[kUserCode >> 3] = kUserCodeDescriptor;
  uint64_t base = reinterpret_cast<uint64_t>(&g_task_state);
  uint64_t limit = sizeof(TaskState) - 1;
  g_gdt[kTaskState >> 3] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 |
                           uint64_t{kAvailableTss} << 40 | (base >> 24 & 0xFF) << 56;
  g_gdt[(kTaskState >> 3) + 1] = base >> 32;

  TablePointer pointer{sizeof g_gdt - 1, reinterpret_cast<uint64_t>(g_gdt)};
  // Reload CS with a far return, then the data segments and the task register.
  asm volatile(
      "lgdt %0\n"
      "pushq %1\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1:\n"
      "movw %w2, %%ax\n"
      "movw %%ax, %%ds\n"
      "movw %%ax, %%es\n"
      "movw %%ax, %%ss\n"
      "ltr %w3\n"
      :
      : "m"(pointer), "i"(kKernelCode), "r"(uint64_t{kKernelData}), "r"(uint64_t{kTaskState})
      : "rax", "memory");
}

void load_idt(uint64_t kernel_stack_top) {
  g_task_state.rsp[0] = kernel_stack_top;
  g_task_state.io_map_base = offsetof(TaskState, io_map);
  g_task_state.io_map_end = 0xFF;
  for (size_t vector = 0; vector < 32; ++vector) {
    uint64_t handler = trap_stubs[vector];
    g_idt[vector] = Gate{static_cast<uint16_t>(handler), kKernelCode, 0, kInterruptGate,
                         static_cast<uint16_t>(handler >> 16), static_cast<uint32_t>(handler >> 32), 0};
  }
  TablePointer pointer{sizeof g_idt - 1, reinterpret_cast<uint64_t>(g_idt)};
  asm volatile("lidt %0" ::"m"(pointer) : "memory");  // the CPU reads g_idt: keep its stores
}

[[noreturn]] void enter_user_mode() {
  uint64_t stack_top = reinterpret_cast<uint64_t>(g_user_stack + kUserStackSize);
  asm volatile(
      "pushq %0\n"  // SS
      "pushq %1\n"  // RSP
      "pushq %2\n"  // RFLAGS
      "pushq %3\n"  // CS
      "pushq %4\n"  // RIP
      "iretq\n"
      :
      : "i"(uint64_t{kUserData}), "r"(stack_top), "i"(kUserFlags), "i"(uint64_t{kUserCode}),
        "r"(reinterpret_cast<uint64_t>(&user_start)));
  __builtin_unreachable();
}

} // namespace
} // namespace slotbox::guest

// The boot stub's stack (long_mode.asm), also the stack every trap from CPL3 runs on.
extern "C" uint8_t kernel_stack_top[];

extern "C" [[noreturn]] void kernel_main() {
  using namespace slotbox::guest;
  load_gdt();
  load_idt(reinterpret_cast<uint64_t>(kernel_stack_top));
  enter_user_mode();
}
