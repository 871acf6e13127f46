#include "host/kvm/cpu_features.h"

#include <array>
#include <cstring>

namespace slotbox::kvm {
namespace {

struct NamedFeature {
  std::string_view name;
  CpuidBit location;
};

using enum CpuidRegister;

// SDM vol. 2A CPUID and AMD APM vol. 3 appendix E; the features kvm-unit-tests' sections
// take away, and their neighbours a user is likely to try.
constexpr std::array kFeatures{
    NamedFeature{"vmx", {0x1, 0, kEcx, 5}},
    NamedFeature{"pcid", {0x1, 0, kEcx, 17}},
    NamedFeature{"x2apic", {0x1, 0, kEcx, 21}},
    NamedFeature{"movbe", {0x1, 0, kEcx, 22}},
    NamedFeature{"tsc-deadline", {0x1, 0, kEcx, 24}},
    NamedFeature{"xsave", {0x1, 0, kEcx, 26}},
    NamedFeature{"avx", {0x1, 0, kEcx, 28}},
    NamedFeature{"rdrand", {0x1, 0, kEcx, 30}},
    NamedFeature{"fsgsbase", {0x7, 0, kEbx, 0}},
    NamedFeature{"smep", {0x7, 0, kEbx, 7}},
    NamedFeature{"invpcid", {0x7, 0, kEbx, 10}},
    NamedFeature{"smap", {0x7, 0, kEbx, 20}},
    NamedFeature{"umip", {0x7, 0, kEcx, 2}},
    NamedFeature{"pku", {0x7, 0, kEcx, 3}},
    NamedFeature{"la57", {0x7, 0, kEcx, 16}},
    NamedFeature{"rdpid", {0x7, 0, kEcx, 22}},
    NamedFeature{"svm", {0x80000001, 0, kEcx, 2}},
    NamedFeature{"skinit", {0x80000001, 0, kEcx, 12}},
    NamedFeature{"nx", {0x80000001, 0, kEdx, 20}},
    NamedFeature{"pdpe1gb", {0x80000001, 0, kEdx, 26}},
    NamedFeature{"rdtscp", {0x80000001, 0, kEdx, 27}},
    NamedFeature{"npt", {0x8000000A, 0, kEdx, 0}},
    NamedFeature{"nrip-save", {0x8000000A, 0, kEdx, 3}},
};

uint32_t& register_of(kvm_cpuid_entry2& entry, CpuidRegister reg) {
  switch (reg) {
  case kEax: return entry.eax;
  case kEbx: return entry.ebx;
  case kEcx: return entry.ecx;
  case kEdx: return entry.edx;
  }
  return entry.eax;
}

// Leaf 0 and 0x80000000: the 12 vendor bytes in EBX, EDX, ECX order.
void set_vendor(kvm_cpuid_entry2& entry, const std::string& vendor) {
  std::memcpy(&entry.ebx, vendor.data(), 4);
  std::memcpy(&entry.edx, vendor.data() + 4, 4);
  std::memcpy(&entry.ecx, vendor.data() + 8, 4);
}

} // namespace

std::optional<CpuidBit> find_cpu_feature(std::string_view qemu_name) {
  for (const NamedFeature& feature : kFeatures)
    if (feature.name == qemu_name) return feature.location;
  return std::nullopt;
}

std::vector<kvm_cpuid_entry2> with_edits(std::vector<kvm_cpuid_entry2> entries, const CpuidEdits& edits) {
  for (kvm_cpuid_entry2& entry : entries) {
    for (const std::string& name : edits.removed) {
      auto bit = find_cpu_feature(name);
      if (bit && entry.function == bit->function && entry.index == bit->index)
        register_of(entry, bit->reg) &= ~(1u << bit->bit);
    }
    if (edits.vendor.size() == 12 && (entry.function == 0 || entry.function == 0x80000000))
      set_vendor(entry, edits.vendor);
  }
  return entries;
}

} // namespace slotbox::kvm
