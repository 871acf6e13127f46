// The host-assist port (abi::kHostAssistPort): lets a guest ask for what only the host can
// see or do — KVM statistics, KVM_TRANSLATE, exit counters, map changes, dirty logs, the
// slot table. Every request is validated (version, opcode, the block and every buffer in
// guest RAM, bounded sizes) and answered with a status; nothing a guest writes can crash
// the host. The port finds the request block; host_assist_ops.h answers it.
#pragma once

#include "host/machine/host_assist_context.h"
#include "host/memory/region.h"

#include <cstdint>

namespace slotbox::machine {

class HostAssist final : public memory::MmioHandler {
public:
  static constexpr uint64_t kPortCount = 4;

  explicit HostAssist(HostAssistContext context) : m_context(std::move(context)) {}

  uint64_t read(uint64_t offset, unsigned size) override;
  // A dword write of the request block's guest-physical address; the answer goes back into
  // the block. A block outside RAM has nowhere to take a status: it is only counted.
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  uint64_t requests() const { return m_requests; }
  uint64_t rejected() const { return m_rejected; }

private:
  HostAssistContext m_context;
  uint64_t m_requests = 0;
  uint64_t m_rejected = 0;
};

} // namespace slotbox::machine
