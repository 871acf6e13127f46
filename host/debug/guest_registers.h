// The registers of one guest context, as a crash report and the debugger show them,
// independent of how they were read (KVM_GET_REGS/SREGS, or the runtime's trap frame).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace slotbox::debug {

// General-purpose registers in the order gdb's amd64 target numbers them.
enum class Gpr : uint8_t { kRax, kRbx, kRcx, kRdx, kRsi, kRdi, kRbp, kRsp, kR8, kR9, kR10, kR11, kR12, kR13, kR14, kR15 };
inline constexpr size_t kGprCount = 16;
inline constexpr std::array<const char*, kGprCount> kGprNames = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};

struct GuestRegisters {
  std::array<uint64_t, kGprCount> gpr{};
  uint64_t rip = 0, rflags = 0;
  uint16_t cs = 0, ss = 0, ds = 0, es = 0, fs = 0, gs = 0;
  uint64_t fs_base = 0, gs_base = 0;
  uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0, efer = 0;

  uint64_t& operator[](Gpr reg) { return gpr[static_cast<size_t>(reg)]; }
  uint64_t operator[](Gpr reg) const { return gpr[static_cast<size_t>(reg)]; }
};

// The general-purpose registers, rip and rflags of anything that names them as KVM's
// kvm_regs does: kvm_regs itself, or the runtime's abi::TrapFrame.
template <typename Registers>
void copy_general_registers(const Registers& from, GuestRegisters& to) {
  to.gpr = {from.rax, from.rbx, from.rcx, from.rdx, from.rsi, from.rdi, from.rbp, from.rsp,
            from.r8,  from.r9,  from.r10, from.r11, from.r12, from.r13, from.r14, from.r15};
  to.rip = from.rip;
  to.rflags = from.rflags;
}

} // namespace slotbox::debug
