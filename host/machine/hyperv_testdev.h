// QEMU's hyperv-testdev (hw/misc/hyperv_testdev.c), which kvm-unit-tests' hyperv_synic
// section drives: a 32-bit write to port 0x3000 of (ctl << 16) | (vp_index << 8) | sint
// creates (ctl 1) a route from a GSI to SynIC interrupt source `sint` of that vCPU,
// destroys it (2) or signals it (3). The routes live in KVM (KVM_IRQ_ROUTING_HV_SINT);
// this device only keeps their list and gives it to the machine to install.
//
// Not here: the message and event connections (ctl 4-7) of hyperv_connections, which need
// user-space handling of HvPostMessage and HvSignalEvent; writes of them are ignored.
#pragma once

#include "host/memory/region.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace slotbox::machine {

class HypervTestdev final : public memory::MmioHandler {
public:
  static constexpr uint16_t kPort = 0x3000;
  static constexpr uint64_t kPortCount = 4;

  struct SintRoute {
    uint32_t gsi;
    uint32_t vp_index;
    uint32_t sint;
  };
  // Installs the complete list of routes (it replaces the previous one).
  using InstallRoutes = std::function<void(const std::vector<SintRoute>&)>;
  // Raises a GSI once.
  using SignalGsi = std::function<void(uint32_t gsi)>;

  HypervTestdev(InstallRoutes install, SignalGsi signal) : m_install(std::move(install)), m_signal(std::move(signal)) {}

  uint64_t read(uint64_t, unsigned) override { return 0; }
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  const std::vector<SintRoute>& routes() const { return m_routes; }

private:
  SintRoute* find(uint32_t vp_index, uint32_t sint);
  uint32_t free_gsi() const;

  InstallRoutes m_install;
  SignalGsi m_signal;
  std::vector<SintRoute> m_routes;
};

} // namespace slotbox::machine
