#include "host/machine/crash_capture.h"

#include "host/debug/stack_walk.h"
#include "host/machine/guest_memory.h"
#include "slotbox/abi.h"

#include <string>

namespace slotbox::machine {
namespace {

// KVM on SVM resets the vCPU before it reports a shutdown: these registers say nothing
// about the guest (exit_handler.cpp says the same in the end's detail).
bool is_reset_state(const kvm_regs& regs) { return regs.rip == 0xFFF0 && regs.rflags == 0x2 && regs.rsp == 0; }

// The faulting context's registers from the runtime's trap frame; false if it cannot be read.
bool read_trap_frame(const debug::VirtualRead& read, uint64_t address, debug::GuestRegisters& regs,
                     uint64_t& vector) {
  abi::TrapFrame frame;
  if (!read(address, {reinterpret_cast<uint8_t*>(&frame), sizeof frame})) return false;
  debug::copy_general_registers(frame, regs);
  regs.cs = static_cast<uint16_t>(frame.cs);
  regs.ss = static_cast<uint16_t>(frame.ss);
  vector = frame.vector;
  return true;
}

} // namespace

void capture_crash(RunEnd& end, const kvm::Vcpu& vcpu, size_t vcpu_index, PcMemoryMap& map) {
  if (end.kind == EndKind::kGuestExit) return;
  auto regs = vcpu.registers();
  auto sregs = vcpu.special_registers();
  if (!regs || !sregs || is_reset_state(*regs)) return;
  debug::VirtualRead read = debug::virtual_reader(paging_mode(*sregs), physical_reader(map));
  debug::CrashState state{"vCPU " + std::to_string(vcpu_index) + " as the run ended", guest_registers(*regs, *sregs), {}};
  uint64_t vector = 0;
  if (end.kind == EndKind::kGuestCrash && read_trap_frame(read, regs->rsi, state.registers, vector))
    state.source = "the runtime's trap frame: " + std::string(abi::kExceptionNames[vector % abi::kExceptionVectors]) +
                   " on vCPU " + std::to_string(vcpu_index);
  state.frames = debug::walk_frames(state.registers.rip, state.registers[debug::Gpr::kRbp], read);
  end.crash = std::move(state);
}

} // namespace slotbox::machine
