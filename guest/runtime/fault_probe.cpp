#include "slotbox/fault_probe.h"

namespace slotbox::guest {
namespace {

FaultRecord take_fault() {
  uint64_t vector = kernel_call(KernelOp::kTakeFault);
  if (vector == kNoFault) return FaultRecord{kNoFault, 0, 0};
  return FaultRecord{vector, kernel_call(KernelOp::kFaultAddress), kernel_call(KernelOp::kFaultError)};
}

} // namespace

// Arms the probe with the address of label 1, right after the access; a fault resumes there.
FaultRecord probe_read(uint64_t address) {
  asm volatile(
      "lea 1f(%%rip), %%rdi\n"
      "mov %[op], %%eax\n"
      "ud2\n"
      "mov (%[address]), %%rax\n"
      "1:\n"
      :
      : [address] "r"(address), [op] "i"(static_cast<uint32_t>(KernelOp::kArmFault))
      : "rax", "rdi", "rsi", SLOTBOX_KERNEL_CALL_CLOBBERS);
  return take_fault();
}

FaultRecord probe_write(uint64_t address, uint64_t value) {
  asm volatile(
      "lea 1f(%%rip), %%rdi\n"
      "mov %[op], %%eax\n"
      "ud2\n"
      "mov %[value], (%[address])\n"
      "1:\n"
      :
      : [address] "r"(address), [value] "r"(value), [op] "i"(static_cast<uint32_t>(KernelOp::kArmFault))
      : "rax", "rdi", "rsi", SLOTBOX_KERNEL_CALL_CLOBBERS);
  return take_fault();
}

} // namespace slotbox::guest
