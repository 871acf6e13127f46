// The host-assist port (abi::kHostAssistPort): lets a guest ask for what only the host can
// see or do — KVM statistics, KVM_TRANSLATE, exit counters, map changes, dirty logs, the
// slot table. Every request is validated (version, opcode, the block and every buffer in
// guest RAM, bounded sizes) and answered with a status; nothing a guest writes can crash
// the host.
#pragma once

#include "host/kvm/slot_listener.h"
#include "host/kvm/stats.h"
#include "host/kvm/vcpu.h"
#include "host/machine/exit_counters.h"
#include "host/machine/map_changes.h"
#include "host/machine/pc_memory_map.h"
#include "host/memory/region.h"
#include "slotbox/abi.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace slotbox::machine {

struct HostAssistContext {
  PcMemoryMap& map;
  std::function<kvm::Vcpu&()> caller;  // the vCPU whose port write is being handled
  kvm::SlotListener& slots;
  MapChanges& changes;
  const ExitCounters& exits;
  const std::optional<kvm::Stats>& vcpu_stats;  // vCPU 0's: the BSP, where images ask
  const std::optional<kvm::Stats>& vm_stats;
  abi::MmuMode mmu;
  abi::KvmModule module;
  const std::vector<std::string>& image_arguments;
};

class HostAssist final : public memory::MmioHandler {
public:
  static constexpr uint64_t kPortCount = 4;

  explicit HostAssist(HostAssistContext context) : m_context(context) {}

  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  uint64_t requests() const { return m_requests; }
  uint64_t rejected() const { return m_rejected; }

private:
  abi::HostStatus perform(abi::HostRequest& request);
  abi::HostStatus stat(abi::HostRequest& request);
  abi::HostStatus translate(abi::HostRequest& request);
  abi::HostStatus exit_count(abi::HostRequest& request);
  abi::HostStatus dirty_log(abi::HostRequest& request);
  abi::HostStatus slot_at(abi::HostRequest& request);
  abi::HostStatus arguments(abi::HostRequest& request);
  abi::HostStatus map_change(const Result<void>& result);

  HostAssistContext m_context;
  uint64_t m_requests = 0;
  uint64_t m_rejected = 0;
};

} // namespace slotbox::machine
