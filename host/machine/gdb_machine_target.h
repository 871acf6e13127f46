// The gdb stub's view of a PcMachine: registers through KVM_GET/SET_REGS and SREGS,
// memory through the guest's page tables (guest_memory.h), breakpoints and single steps
// through KVM_SET_GUEST_DEBUG. Used only while every vCPU is out of KVM_RUN.
#pragma once

#include "host/debug/gdb_target.h"
#include "host/machine/pc_machine.h"

namespace slotbox::machine {

class GdbMachineTarget final : public debug::gdb::Target {
public:
  explicit GdbMachineTarget(PcMachine& machine) : m_machine(machine) {}

  size_t vcpu_count() const override { return m_machine.vcpu_count(); }
  Result<debug::GuestRegisters> registers(size_t vcpu) override;
  Result<void> set_registers(size_t vcpu, const debug::GuestRegisters& regs) override;
  size_t read_memory(size_t vcpu, uint64_t address, std::span<uint8_t> out) override;
  bool write_memory(size_t vcpu, uint64_t address, std::span<const uint8_t> bytes) override;
  Result<void> set_guest_debug(std::span<const debug::gdb::HardwareBreakpoint> hardware, bool software,
                               std::optional<size_t> step_vcpu) override;

private:
  PcMachine& m_machine;
};

} // namespace slotbox::machine
