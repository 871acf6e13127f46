// The minimal CPL0 kernel under the checks: descriptor tables, traps, the switch to CPL3.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace slotbox::guest {

// Selectors of the runtime GDT (kernel.cpp).
inline constexpr uint16_t kKernelCode = 0x08;
inline constexpr uint16_t kKernelData = 0x10;
inline constexpr uint16_t kUserData = 0x18 | 3;
inline constexpr uint16_t kUserCode = 0x20 | 3;
inline constexpr uint16_t kTaskState = 0x28;

// What trap_entry.asm pushes, lowest address first.
struct TrapFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error_code;
  uint64_t rip, cs, rflags, rsp, ss;  // pushed by the CPU
};

[[noreturn]] void exit_guest(uint32_t status);

// Console output from CPL0 (console.cpp): flushes what the checks left pending, then
// writes text straight to the serial port. The crash path's only way to speak.
void kernel_console_write(const char* text, size_t length);

} // namespace slotbox::guest
