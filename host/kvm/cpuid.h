// CPUID for one vCPU of several: KVM_GET_SUPPORTED_CPUID describes the host's CPU once, and
// every vCPU must see its own APIC id where software looks for it (SDM vol. 2A, CPUID).
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <vector>

namespace slotbox::kvm {

// Leaf 1 EBX[31:24] (initial APIC id) and EDX of leaves 0xB and 0x1F (x2APIC id) set to
// apic_id; every other entry as given.
std::vector<kvm_cpuid_entry2> with_apic_id(std::vector<kvm_cpuid_entry2> entries, uint32_t apic_id);

} // namespace slotbox::kvm
