// The minimal CPL0 kernel under the checks: descriptor tables, traps, the switch to CPL3,
// the start of the other CPUs.
#pragma once

#include "slotbox/abi.h"

#include <stddef.h>
#include <stdint.h>

namespace slotbox::guest {

// Selectors of the runtime GDT (kernel.cpp): after the flat segments, one 16-byte TSS
// descriptor per CPU.
inline constexpr uint16_t kKernelCode = 0x08;
inline constexpr uint16_t kKernelData = 0x10;
inline constexpr uint16_t kUserData = 0x18 | 3;
inline constexpr uint16_t kUserCode = 0x20 | 3;
inline constexpr uint16_t kTaskState = 0x28;  // the boot CPU's
inline constexpr uint16_t task_state_selector(unsigned cpu) { return static_cast<uint16_t>(kTaskState + 16 * cpu); }

// Writes CPU `cpu`'s TSS (traps from CPL3 switch to kernel_stack_top, #DF always to
// double_fault_stack_top) and its descriptor.
void install_task_state(unsigned cpu, uint64_t kernel_stack_top, uint64_t double_fault_stack_top);

// Kernel calls that start the other CPUs (cpu_start.cpp, see kernel_call.h).
uint64_t prepare_cpu(uint64_t index);
uint64_t withdraw_cpu(uint64_t index);
uint64_t send_init(uint64_t apic_id);
uint64_t send_startup(uint64_t apic_id, uint64_t vector);

// What trap_entry.asm pushes; the host reads it after a crash (abi.h).
using TrapFrame = abi::TrapFrame;

[[noreturn]] void exit_guest(uint32_t status);

// The kernel call kWriteSerial (console.cpp): `count` bytes to COM1, a transmit FIFO's
// worth per `rep outsb` once LSR says the FIFO is empty.
void transmit_serial(const char* bytes, size_t count);

// Console output from CPL0 (console.cpp): once another CPU has finished its line (or a
// second has passed), flushes what the checks left pending, then writes text straight to
// the serial port. The crash path's only way to speak; the run ends after it.
void kernel_console_write(const char* text, size_t length);

} // namespace slotbox::guest
