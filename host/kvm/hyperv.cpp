#include "host/kvm/hyperv.h"

namespace slotbox::kvm {
namespace {

constexpr uint32_t kHypervisorLeavesFirst = 0x40000000;
constexpr uint32_t kHypervisorLeavesEnd = 0x40000100;  // one hypervisor's block
constexpr uint32_t kKvmLeavesOffset = 0x100;
constexpr uint32_t kHypervFeaturesLeaf = 0x40000003;
constexpr uint32_t kSynicAvailable = 1u << 2;

bool in_first_block(const kvm_cpuid_entry2& entry) {
  return entry.function >= kHypervisorLeavesFirst && entry.function < kHypervisorLeavesEnd;
}

} // namespace

std::vector<kvm_cpuid_entry2> with_hyperv_leaves(std::vector<kvm_cpuid_entry2> entries,
                                                 const std::vector<kvm_cpuid_entry2>& hyperv) {
  for (kvm_cpuid_entry2& entry : entries) {
    if (!in_first_block(entry)) continue;
    // Leaf 0x40000000 EAX is the highest leaf of the block: it moves with it.
    if (entry.function == kHypervisorLeavesFirst) entry.eax += kKvmLeavesOffset;
    entry.function += kKvmLeavesOffset;
  }
  for (const kvm_cpuid_entry2& entry : hyperv)
    if (in_first_block(entry)) entries.push_back(entry);
  return entries;
}

bool offers_synic(const std::vector<kvm_cpuid_entry2>& hyperv) {
  for (const kvm_cpuid_entry2& entry : hyperv)
    if (entry.function == kHypervFeaturesLeaf) return (entry.eax & kSynicAvailable) != 0;
  return false;
}

} // namespace slotbox::kvm
