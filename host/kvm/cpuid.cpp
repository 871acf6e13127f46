#include "host/kvm/cpuid.h"

namespace slotbox::kvm {
namespace {

// SDM vol. 2A, CPUID: where the APIC id of the executing processor is reported.
constexpr uint32_t kLeafFeatures = 0x1;              // EBX[31:24]: initial APIC id
constexpr uint32_t kLeafTopology = 0xB;              // EDX: x2APIC id, every subleaf
constexpr uint32_t kLeafTopologyV2 = 0x1F;           // the same
constexpr uint32_t kInitialApicIdShift = 24;
constexpr uint32_t kInitialApicIdMask = 0xFFu << kInitialApicIdShift;

} // namespace

std::vector<kvm_cpuid_entry2> with_apic_id(std::vector<kvm_cpuid_entry2> entries, uint32_t apic_id) {
  for (kvm_cpuid_entry2& entry : entries) {
    if (entry.function == kLeafFeatures)
      entry.ebx = (entry.ebx & ~kInitialApicIdMask) | (apic_id << kInitialApicIdShift);
    else if (entry.function == kLeafTopology || entry.function == kLeafTopologyV2)
      entry.edx = apic_id;
  }
  return entries;
}

} // namespace slotbox::kvm
