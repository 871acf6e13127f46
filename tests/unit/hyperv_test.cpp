#include "host/kvm/hyperv.h"

#include <doctest/doctest.h>

using namespace slotbox::kvm;

namespace {

kvm_cpuid_entry2 leaf(uint32_t function, uint32_t eax) {
  kvm_cpuid_entry2 made{};
  made.function = function;
  made.eax = eax;
  return made;
}

const kvm_cpuid_entry2* find(const std::vector<kvm_cpuid_entry2>& entries, uint32_t function) {
  for (const kvm_cpuid_entry2& entry : entries)
    if (entry.function == function) return &entry;
  return nullptr;
}

} // namespace

TEST_CASE("Hyper-V's leaves take 0x40000000 and KVM's move up by 0x100, as QEMU places them") {
  std::vector<kvm_cpuid_entry2> supported = {leaf(0x1, 7), leaf(0x40000000, 0x40000001), leaf(0x40000001, 0x1234)};
  std::vector<kvm_cpuid_entry2> hyperv = {leaf(0x40000000, 0x4000000A), leaf(0x40000003, 1u << 2)};
  auto merged = with_hyperv_leaves(supported, hyperv);
  REQUIRE(merged.size() == 5);
  CHECK(find(merged, 0x1)->eax == 7);
  CHECK(find(merged, 0x40000000)->eax == 0x4000000A);      // Hyper-V's highest leaf
  CHECK(find(merged, 0x40000100)->eax == 0x40000101);      // KVM's, moved with its block
  CHECK(find(merged, 0x40000101)->eax == 0x1234);
  CHECK(find(merged, 0x40000003)->eax == (1u << 2));
}

TEST_CASE("the SynIC is enabled only when KVM offers it") {
  CHECK(offers_synic({leaf(0x40000003, (1u << 2) | 1)}));
  CHECK_FALSE(offers_synic({leaf(0x40000003, 1)}));
  CHECK_FALSE(offers_synic({}));
}
