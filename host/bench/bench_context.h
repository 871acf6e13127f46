// What every benchmark section needs to know about this run: how many trials, where the
// programs it compares are, and whether KVM (and QEMU, on which accelerator) is usable.
#pragma once

#include "host/bench/bench_report.h"
#include "host/kvm/system.h"

#include <optional>
#include <string>

namespace slotbox::bench {

struct BenchContext {
  bool quick = false;
  unsigned trials = 10;            // process trials (cold start, footprint)
  unsigned inner_trials = 5;       // in-process trials of the slower loops
  std::string slotbox;             // this executable
  std::string floor;               // slotbox-floor next to it, or empty
  std::optional<kvm::System> kvm;  // empty: kvm_unavailable says why
  std::string kvm_unavailable;
  std::string qemu;                // qemu-system-x86_64, or empty
  bool qemu_on_kvm = false;        // QEMU gets -accel kvm (else TCG: not comparable)
};

// Opens /dev/kvm and finds slotbox-floor and QEMU.
BenchContext make_context(bool quick, unsigned trials);
MachineInfo describe_machine(const BenchContext& context);

// The section's reason to skip when KVM is unusable, else empty.
std::string kvm_skip_reason(const BenchContext& context);

} // namespace slotbox::bench
