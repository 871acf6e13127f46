// Which KVM this is (kvm_intel, kvm_amd, kvm_pvm) and how it virtualizes guest memory:
// two-dimensional paging (EPT/NPT) or shadow paging. Read from /sys/module, which is
// where the modules publish their parameters; expectations about faults depend on it.
#pragma once

#include <string>

namespace slotbox::kvm {

enum class MmuMode { kTdp, kShadow, kUnknown };

struct Backend {
  std::string module;   // "kvm_intel", "kvm_amd", "kvm_pvm" or "unknown"
  MmuMode mmu = MmuMode::kUnknown;
  // KVM_CAP_EXIT_ON_EMULATION_FAILURE is on for the VM (Vm::enable_exit_on_emulation_failure):
  // without it KVM answers an instruction it cannot emulate at CPL3 by injecting #UD.
  bool reports_emulation_failure = false;

  std::string describe() const;  // "kvm_pvm, shadow paging"
  std::string key() const;       // "pvm", "amd-npt", "amd-shadow", "intel-ept", "intel-shadow", "unknown"
};

Backend detect_backend();

} // namespace slotbox::kvm
