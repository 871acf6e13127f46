// One virtual CPU: its fd, its kvm_run page, and the few register accesses slotbox needs.
// A ROM boots from the architectural reset state (the host sets no registers); a
// multiboot kernel is entered with the registers its protocol defines (set_registers).
#pragma once

#include "host/base/error.h"
#include "host/base/fd.h"
#include "host/base/mapping.h"
#include "host/kvm/exit.h"

#include <linux/kvm.h>

#include <vector>

namespace slotbox::kvm {

class Vcpu {
public:
  Vcpu(Fd fd, Mapping run) : m_fd(std::move(fd)), m_run(std::move(run)) {}

  Result<void> set_cpuid(const std::vector<kvm_cpuid_entry2>& entries);
  Result<void> enable_hyperv_synic();                            // KVM_CAP_HYPERV_SYNIC2
  Result<VcpuExit> run();
  // Makes a KVM_RUN in progress, or the next one, return to userspace at once.
  void request_immediate_exit(bool on);

  Result<kvm_regs> registers() const;
  Result<void> set_registers(const kvm_regs& regs);              // KVM_SET_REGS
  Result<kvm_sregs> special_registers() const;                   // KVM_GET_SREGS
  Result<void> set_special_registers(const kvm_sregs& sregs);    // KVM_SET_SREGS
  Result<kvm_lapic_state> lapic() const;                         // KVM_GET_LAPIC
  Result<void> set_lapic(const kvm_lapic_state& state);          // KVM_SET_LAPIC
  Result<kvm_translation> translate(uint64_t gva) const;  // KVM_TRANSLATE, through the guest's page tables
  Result<uint32_t> mp_state() const;                      // KVM_GET_MP_STATE: KVM_MP_STATE_HALTED, ...
  Result<void> set_guest_debug(const kvm_guest_debug& debug);    // KVM_SET_GUEST_DEBUG

  int fd() const { return m_fd.get(); }

private:
  kvm_run& shared() const { return *reinterpret_cast<kvm_run*>(m_run.data()); }

  Fd m_fd;
  Mapping m_run;
};

} // namespace slotbox::kvm
