#include "host/kvm/cpuid.h"

#include <doctest/doctest.h>

using slotbox::kvm::with_apic_id;

namespace {

kvm_cpuid_entry2 entry(uint32_t function, uint32_t index, uint32_t ebx, uint32_t edx) {
  kvm_cpuid_entry2 made{};
  made.function = function;
  made.index = index;
  made.ebx = ebx;
  made.edx = edx;
  return made;
}

} // namespace

TEST_CASE("each vCPU's CPUID reports its own APIC id") {
  std::vector<kvm_cpuid_entry2> supported = {entry(0x1, 0, 0x00080800, 0x1234), entry(0xB, 0, 1, 0),
                                             entry(0xB, 1, 2, 0), entry(0x1F, 0, 1, 0), entry(0x7, 0, 0xABCD, 5)};
  auto mine = with_apic_id(supported, 5);
  SUBCASE("leaf 1 EBX[31:24] only, the rest of EBX and EDX kept") {
    CHECK(mine[0].ebx == 0x05080800);
    CHECK(mine[0].edx == 0x1234);
  }
  SUBCASE("the x2APIC id in EDX of every subleaf of 0xB and 0x1F") {
    CHECK(mine[1].edx == 5);
    CHECK(mine[2].edx == 5);
    CHECK(mine[3].edx == 5);
    CHECK(mine[1].ebx == 1);
  }
  SUBCASE("other leaves untouched") {
    CHECK(mine[4].ebx == 0xABCD);
    CHECK(mine[4].edx == 5);
  }
  SUBCASE("an id above 255 keeps leaf 1's other fields") {
    CHECK(with_apic_id(supported, 0x1FF)[0].ebx == 0xFF080800);
  }
}
