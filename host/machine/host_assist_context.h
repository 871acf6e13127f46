// What host-assist operations can reach: the memory map and its changes, the slot table,
// the exit counters, and what only KVM knows (KVM_TRANSLATE, binary statistics) behind
// functions, so every operation runs in unit tests on a PcMemoryMap without /dev/kvm
// (PcMachine::attach_host_assist wires the real ones).
#pragma once

#include "host/base/error.h"
#include "host/kvm/slot_listener.h"
#include "host/machine/exit_counters.h"
#include "host/machine/map_changes.h"
#include "host/machine/pc_memory_map.h"
#include "slotbox/abi.h"

#include <linux/kvm.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace slotbox::machine {

// Whose statistics a name was found in: host assist's kStat reply[1].
enum class StatOwner : uint64_t { kVcpu = 1, kVm = 2 };

struct StatReading {
  uint64_t value = 0;
  StatOwner owner = StatOwner::kVcpu;
};

struct HostAssistContext {
  PcMemoryMap& map;
  MapChanges& changes;
  kvm::SlotListener& slots;  // over KVM's slot table (a fake one in tests)
  const ExitCounters& exits;
  // KVM_TRANSLATE on the vCPU whose exit is being handled: the one that asked.
  std::function<Result<kvm_translation>(uint64_t gva)> translate;
  // A KVM statistic by name; kUnavailable where the kernel has no binary statistics,
  // kBadInput for a name neither the vCPU nor the VM has.
  std::function<Result<StatReading>(const std::string& name)> read_stat;
  abi::MmuMode mmu;
  abi::KvmModule module;
  const std::vector<std::string>& image_arguments;  // after `--` on the command line
};

} // namespace slotbox::machine
