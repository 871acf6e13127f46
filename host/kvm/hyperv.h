// Hyper-V enlightenments as QEMU's "-cpu host,hv_passthrough" offers them: every one KVM
// supports (KVM_GET_SUPPORTED_HV_CPUID), with the SynIC turned on when KVM has it. The
// kvm-unit-tests hyperv_* sections test KVM's own emulation of these; nothing of Hyper-V
// runs in slotbox itself but QEMU's hyperv-testdev (machine/hyperv_testdev.h).
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <vector>

namespace slotbox::kvm {

// Hyper-V's leaves are where a Hyper-V guest looks (0x40000000 on), so KVM's own
// paravirtual leaves move up by 0x100, as QEMU places them when Hyper-V is on.
std::vector<kvm_cpuid_entry2> with_hyperv_leaves(std::vector<kvm_cpuid_entry2> entries,
                                                 const std::vector<kvm_cpuid_entry2>& hyperv);

// Whether KVM offers the synthetic interrupt controller (leaf 0x40000003 EAX bit 2,
// HV_MSR_SYNIC_AVAILABLE in the Hyper-V TLFS); it must then be enabled on each vCPU.
bool offers_synic(const std::vector<kvm_cpuid_entry2>& hyperv);

} // namespace slotbox::kvm
