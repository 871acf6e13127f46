#include "host/kvm/cpu_features.h"

#include <doctest/doctest.h>

#include <cstring>

using namespace slotbox::kvm;

namespace {

kvm_cpuid_entry2 leaf(uint32_t function, uint32_t index = 0) {
  kvm_cpuid_entry2 made{};
  made.function = function;
  made.index = index;
  made.eax = made.ebx = made.ecx = made.edx = 0xFFFFFFFF;
  return made;
}

std::string vendor_of(const kvm_cpuid_entry2& entry) {
  char text[12];
  std::memcpy(text, &entry.ebx, 4);
  std::memcpy(text + 4, &entry.edx, 4);
  std::memcpy(text + 8, &entry.ecx, 4);
  return std::string(text, 12);
}

} // namespace

TEST_CASE("QEMU feature names map to their CPUID bit") {
  auto x2apic = find_cpu_feature("x2apic");
  REQUIRE(x2apic);
  CHECK(x2apic->function == 1);
  CHECK(x2apic->reg == CpuidRegister::kEcx);
  CHECK(x2apic->bit == 21);
  CHECK(find_cpu_feature("invpcid")->function == 7);
  CHECK(find_cpu_feature("npt")->function == 0x8000000A);
  CHECK_FALSE(find_cpu_feature("vmx-mbec"));  // a VMX control, not a CPUID bit
  CHECK_FALSE(find_cpu_feature(""));
}

TEST_CASE("CPUID edits clear exactly the removed bits and set the vendor") {
  std::vector<kvm_cpuid_entry2> supported = {leaf(0), leaf(1), leaf(7, 0), leaf(7, 1), leaf(0x80000000),
                                             leaf(0x80000001)};
  SUBCASE("-x2apic,-invpcid,-rdtscp") {
    auto edited = with_edits(supported, {{"x2apic", "invpcid", "rdtscp"}, ""});
    CHECK(edited[1].ecx == ~(1u << 21));
    CHECK(edited[1].edx == 0xFFFFFFFF);
    CHECK(edited[2].ebx == ~(1u << 10));
    CHECK(edited[3].ebx == 0xFFFFFFFF);  // subleaf 1 of leaf 7 is another word
    CHECK(edited[5].edx == ~(1u << 27));
    CHECK(edited[0].ebx == 0xFFFFFFFF);
  }
  SUBCASE("vendor=GenuineIntel in leaves 0 and 0x80000000") {
    auto edited = with_edits(supported, {{}, "GenuineIntel"});
    CHECK(vendor_of(edited[0]) == "GenuineIntel");
    CHECK(vendor_of(edited[4]) == "GenuineIntel");
    CHECK(edited[0].eax == 0xFFFFFFFF);  // the highest leaf stays
    CHECK(edited[1].ebx == 0xFFFFFFFF);
  }
  SUBCASE("no edits change nothing") {
    auto edited = with_edits(supported, {});
    for (size_t i = 0; i < supported.size(); ++i) CHECK(std::memcmp(&edited[i], &supported[i], sizeof supported[i]) == 0);
  }
}
