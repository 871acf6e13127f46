// Privileged services for checks running at CPL3. A call is a `ud2` with the operation in
// rax and the arguments in rdi and rsi; the kernel's #UD handler performs it, puts the
// result in rax and skips the ud2. Like a C function it may change rdx, rsi, rdi and
// r8-r11 (the handler saves no more than it must: each CPL0 instruction is emulated on
// PVM). Not `int n` or `syscall`: on PVM, `int n` from CPL3 triple-faults
// and `syscall` cannot return (docs/design.md §7); an exception trap works everywhere.
#pragma once

#include <stdint.h>

namespace slotbox::guest {

enum class KernelOp : uint64_t {
  kReadCr0 = 1,
  kReadCr2 = 2,
  kReadCr3 = 3,
  kReadCr4 = 4,
  kReadMsr = 5,   // rdi = MSR index
  kInvlpg = 6,    // rdi = linear address
  kReadCs = 7,    // the kernel's own CS, to compare with the caller's
  kWriteSerial = 8,  // rdi = bytes, rsi = count: to COM1, 16 bytes per `rep outsb` (console.cpp)
  kTripleFault = 9,  // for negative images: an empty IDT, then an exception -> shutdown
  kArmFault = 10,    // rdi = where to resume: the next #PF/#GP/#UD from CPL3 is recorded, not fatal
  kTakeFault = 11,   // -> the recorded vector, or kNoFault; disarms (see fault_probe.h)
  kFaultAddress = 12,  // -> CR2 of the recorded fault
  kFaultError = 13,    // -> its error code
  // Starting the other CPUs (start_cpus() in smp.h uses these; ~0 means refused or failed):
  kPrepareCpu = 14,    // rdi = CPU index 1..63, once each: its data and TSS, and a kernel
                       //   stack left for the AP with that APIC id -> the SIPI vector
  kWithdrawCpu = 15,   // rdi = CPU index: takes its stack back unless the AP took it
                       //   -> the index if withdrawn (that AP will never run), else 0
  kSendInit = 16,      // rdi = APIC id: an INIT IPI
  kSendStartup = 17,   // rdi = APIC id, rsi = vector: a STARTUP IPI
  kOverflowKernelStack = 18,  // for negative images: recurse at CPL0 until the kernel
                              //   stack's guard page stops it (faults/kernel-stack-overflow)
};

// What a kernel call may change besides rax, rdi and rsi, for an asm statement's clobbers.
#define SLOTBOX_KERNEL_CALL_CLOBBERS "rdx", "r8", "r9", "r10", "r11", "memory"

inline uint64_t kernel_call(KernelOp op, uint64_t argument = 0, uint64_t argument2 = 0) {
  uint64_t result = static_cast<uint64_t>(op);
  asm volatile("ud2"
               : "+a"(result), "+D"(argument), "+S"(argument2)
               :
               : SLOTBOX_KERNEL_CALL_CLOBBERS);
  return result;
}

// Architectural bits the checks look at (SDM vol. 3A 2.5 and 2.2.1).
inline constexpr uint64_t kCr0ProtectedMode = 1ull << 0;
inline constexpr uint64_t kCr0Paging = 1ull << 31;
inline constexpr uint64_t kCr4Pae = 1ull << 5;
inline constexpr uint32_t kMsrEfer = 0xC0000080;
inline constexpr uint64_t kEferLongModeEnable = 1ull << 8;
inline constexpr uint64_t kEferLongModeActive = 1ull << 10;

} // namespace slotbox::guest
