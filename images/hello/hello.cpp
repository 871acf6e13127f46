// hello: the basics every other image relies on. The checks run at CPL3 over the
// runtime's CPL0 kernel, in long mode, and the CMOS tells a sane memory size.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("hello");

namespace {

constexpr uint64_t kBaseMemoryKiB = 640;
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kExtendedMemoryCapKiB = 65535;
constexpr uint64_t kLowRamLimit = 0xE0000000;       // QEMU's pc: from here on, 3 GiB low
constexpr uint64_t kGigabyteAlignedLowRam = 0xC0000000;

uint16_t current_cs() {
  uint16_t cs;
  asm volatile("mov %%cs, %0" : "=r"(cs));
  return cs;
}

// A kernel call may change rdx, rsi, rdi and r8-r11 like a function call (kernel_call.h),
// and must keep every other register: set the kept ones to known values around one call.
bool kernel_call_keeps_registers() {
  constexpr uint64_t kPattern = 0x0123456789ABCDEF;
  uint64_t op = static_cast<uint64_t>(KernelOp::kReadCr0), argument = 0, argument2 = 0;
  uint64_t rbx = kPattern ^ 0xB, rcx = kPattern ^ 0xC;
  register uint64_t r12 asm("r12") = kPattern ^ 12;
  register uint64_t r13 asm("r13") = kPattern ^ 13;
  register uint64_t r14 asm("r14") = kPattern ^ 14;
  register uint64_t r15 asm("r15") = kPattern ^ 15;
  asm volatile("ud2"
               : "+a"(op), "+D"(argument), "+S"(argument2), "+b"(rbx), "+c"(rcx), "+r"(r12), "+r"(r13),
                 "+r"(r14), "+r"(r15)
               :
               : SLOTBOX_KERNEL_CALL_CLOBBERS);
  return rbx == (kPattern ^ 0xB) && rcx == (kPattern ^ 0xC) && r12 == (kPattern ^ 12) && r13 == (kPattern ^ 13) &&
         r14 == (kPattern ^ 14) && r15 == (kPattern ^ 15);
}

} // namespace

void image_main() {
  CHECK_EQ(current_cs() & 3, 3, "checks run at CPL3 (cs 0x%x)", current_cs());
  uint64_t kernel_cs = kernel_call(KernelOp::kReadCs);
  CHECK_EQ(kernel_cs & 3, 0, "kernel calls run at CPL0 (cs 0x%lx)", kernel_cs);
  CHECK(kernel_call_keeps_registers(), "a kernel call keeps rbx, rcx and r12-r15");

  uint64_t efer = kernel_call(KernelOp::kReadMsr, kMsrEfer);
  CHECK((efer & kEferLongModeActive) && (efer & kEferLongModeEnable),
        "long mode is active (EFER 0x%lx)", efer);
  uint64_t cr0 = kernel_call(KernelOp::kReadCr0);
  uint64_t cr4 = kernel_call(KernelOp::kReadCr4);
  CHECK((cr0 & kCr0Paging) && (cr0 & kCr0ProtectedMode) && (cr4 & kCr4Pae),
        "paging with PAE is on (CR0 0x%lx, CR4 0x%lx)", cr0, cr4);

  CmosMemory cmos = read_cmos_memory();
  CHECK_EQ(cmos.base_kib, kBaseMemoryKiB, "CMOS base memory is %lu KiB", cmos.base_kib);
  uint64_t low = cmos.low_ram();
  CHECK(low >= 16 * kMiB && low < kLowRamLimit, "CMOS low RAM 0x%lx is between 16 MiB and 3.5 GiB", low);
  uint64_t extended = (low - kMiB) / 1024;
  if (extended > kExtendedMemoryCapKiB) extended = kExtendedMemoryCapKiB;
  CHECK_EQ(cmos.extended_kib, extended, "CMOS extended memory %lu KiB agrees with low RAM", cmos.extended_kib);
  uint64_t high = cmos.high_ram();
  CHECK(high == 0 || low == kGigabyteAlignedLowRam,
        "RAM above 4 GiB (0x%lx) only when low RAM stops at 3 GiB (0x%lx)", high, low);

  uint8_t line_status = inb(abi::kSerialLineStatusPort);
  CHECK((line_status & abi::kLineStatusTransmitterEmpty) == abi::kLineStatusTransmitterEmpty,
        "serial transmitter is empty (LSR 0x%x)", line_status);
}
