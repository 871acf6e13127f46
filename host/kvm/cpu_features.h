// QEMU's -cpu feature names where slotbox can honour them: each is one CPUID bit, so
// "-cpu ...,-x2apic" clears it in what KVM_SET_CPUID2 gives the guest, and KVM then
// refuses what the guest may no longer use (x2APIC mode, PCID, ...), as it does for
// QEMU. "vendor=..." rewrites the vendor string. Names follow QEMU's
// target/i386/cpu.c feature words; anything else is not known here.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotbox::kvm {

enum class CpuidRegister { kEax, kEbx, kEcx, kEdx };

struct CpuidBit {
  uint32_t function;
  uint32_t index;
  CpuidRegister reg;
  unsigned bit;
};

std::optional<CpuidBit> find_cpu_feature(std::string_view qemu_name);

// What a -cpu option changes of KVM's supported CPUID.
struct CpuidEdits {
  std::vector<std::string> removed;  // feature names find_cpu_feature() knows
  std::string vendor;                // 12 characters, or empty to keep the host's
  bool hyperv = false;               // hv_passthrough: every Hyper-V enlightenment KVM has (kvm/hyperv.h)
};

// The entries with every removed feature's bit cleared and the vendor string replaced
// in leaves 0 and 0x80000000 (where both Intel and AMD software read it).
std::vector<kvm_cpuid_entry2> with_edits(std::vector<kvm_cpuid_entry2> entries, const CpuidEdits& edits);

} // namespace slotbox::kvm
