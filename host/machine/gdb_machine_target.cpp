#include "host/machine/gdb_machine_target.h"

#include "host/machine/guest_memory.h"

#include <algorithm>
#include <cerrno>

namespace slotbox::machine {
namespace {

constexpr uint64_t kPageSize = 4096;

// DR7 (SDM vol. 3B 18.2.4): G0-G3 enable bits at 2n+1, R/W at 16+4n, LEN at 18+4n
// (00 one byte, 01 two, 11 four, 10 eight).
uint64_t dr7_for(std::span<const debug::gdb::HardwareBreakpoint> hardware) {
  uint64_t dr7 = 0;
  for (size_t n = 0; n < hardware.size(); ++n) {
    const auto& breakpoint = hardware[n];
    uint64_t length = breakpoint.length == 2 ? 1 : breakpoint.length == 4 ? 3 : breakpoint.length == 8 ? 2 : 0;
    if (breakpoint.kind == debug::gdb::WatchKind::kExecute) length = 0;
    dr7 |= 2ull << (2 * n);
    dr7 |= uint64_t(breakpoint.kind) << (16 + 4 * n);
    dr7 |= length << (18 + 4 * n);
  }
  return dr7;
}

} // namespace

Result<debug::GuestRegisters> GdbMachineTarget::registers(size_t vcpu) {
  kvm::Vcpu& cpu = m_machine.vcpu(vcpu);
  auto regs = SLOTBOX_TRY(cpu.registers());
  auto sregs = SLOTBOX_TRY(cpu.special_registers());
  return guest_registers(regs, sregs);
}

Result<void> GdbMachineTarget::set_registers(size_t vcpu, const debug::GuestRegisters& in) {
  kvm::Vcpu& cpu = m_machine.vcpu(vcpu);
  auto regs = SLOTBOX_TRY(cpu.registers());
  using debug::Gpr;
  regs.rax = in[Gpr::kRax], regs.rbx = in[Gpr::kRbx], regs.rcx = in[Gpr::kRcx], regs.rdx = in[Gpr::kRdx];
  regs.rsi = in[Gpr::kRsi], regs.rdi = in[Gpr::kRdi], regs.rbp = in[Gpr::kRbp], regs.rsp = in[Gpr::kRsp];
  regs.r8 = in[Gpr::kR8], regs.r9 = in[Gpr::kR9], regs.r10 = in[Gpr::kR10], regs.r11 = in[Gpr::kR11];
  regs.r12 = in[Gpr::kR12], regs.r13 = in[Gpr::kR13], regs.r14 = in[Gpr::kR14], regs.r15 = in[Gpr::kR15];
  regs.rip = in.rip;
  regs.rflags = in.rflags;
  return cpu.set_registers(regs);
}

size_t GdbMachineTarget::read_memory(size_t vcpu, uint64_t address, std::span<uint8_t> out) {
  auto sregs = m_machine.vcpu(vcpu).special_registers();
  if (!sregs) return 0;
  debug::PhysicalRead physical = physical_reader(m_machine.map());
  size_t done = 0;
  while (done < out.size()) {  // page by page: a read may run into an unmapped page
    uint64_t at = address + done;
    size_t chunk = std::min<uint64_t>(out.size() - done, kPageSize - (at & (kPageSize - 1)));
    if (!debug::read_virtual(paging_mode(*sregs), at, out.subspan(done, chunk), physical)) break;
    done += chunk;
  }
  return done;
}

bool GdbMachineTarget::write_memory(size_t vcpu, uint64_t address, std::span<const uint8_t> bytes) {
  auto sregs = m_machine.vcpu(vcpu).special_registers();
  if (!sregs) return false;
  debug::PhysicalRead physical = physical_reader(m_machine.map());
  // Translate every page first: nothing is written unless all of it can be.
  std::vector<std::pair<uint64_t, std::span<const uint8_t>>> pieces;
  for (size_t done = 0; done < bytes.size();) {
    uint64_t at = address + done;
    size_t chunk = std::min<uint64_t>(bytes.size() - done, kPageSize - (at & (kPageSize - 1)));
    auto gpa = debug::translate(paging_mode(*sregs), at, physical);
    std::vector<uint8_t> probe(chunk);
    if (!gpa || !physical(*gpa, probe)) return false;  // RAM or ROM behind all of it
    pieces.emplace_back(*gpa, bytes.subspan(done, chunk));
    done += chunk;
  }
  for (auto [gpa, piece] : pieces) write_physical(m_machine.map(), gpa, piece);
  return true;
}

Result<void> GdbMachineTarget::set_guest_debug(std::span<const debug::gdb::HardwareBreakpoint> hardware,
                                               bool software, std::optional<size_t> step_vcpu) {
  for (size_t index = 0; index < m_machine.vcpu_count(); ++index) {
    kvm_guest_debug debug{};
    bool stepping = step_vcpu == index;
    if (!hardware.empty() || software || stepping) {
      debug.control = KVM_GUESTDBG_ENABLE;
      if (!hardware.empty()) debug.control |= KVM_GUESTDBG_USE_HW_BP;
      if (software) debug.control |= KVM_GUESTDBG_USE_SW_BP;
      // A step goes to the next instruction of the code being debugged, not into an
      // interrupt handler that happened to be pending.
      if (stepping) debug.control |= KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_BLOCKIRQ;
      for (size_t n = 0; n < hardware.size() && n < debug::gdb::kHardwareBreakpoints; ++n)
        debug.arch.debugreg[n] = hardware[n].address;
      debug.arch.debugreg[7] = dr7_for(hardware);
    }
    auto applied = m_machine.vcpu(index).set_guest_debug(debug);
    if (!applied && stepping && applied.error().code == EINVAL) {  // KVM before 5.16: no BLOCKIRQ
      debug.control &= ~KVM_GUESTDBG_BLOCKIRQ;
      applied = m_machine.vcpu(index).set_guest_debug(debug);
    }
    SLOTBOX_TRY_VOID(applied);
  }
  return {};
}

} // namespace slotbox::machine
