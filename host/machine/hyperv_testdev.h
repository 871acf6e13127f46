// QEMU's hyperv-testdev (hw/misc/hyperv_testdev.c), which kvm-unit-tests' hyperv_synic and
// hyperv_connections sections drive with 32-bit writes to port 0x3000 of
// (conn_id << 24) | (ctl << 16) | (vp_index << 8) | sint:
//   ctl 1/2/3  create, destroy or signal a route from a GSI to SynIC source `sint` of a vCPU;
//   ctl 4/5    create or destroy message connection `conn_id`: a message the guest posts
//              to it (HvPostMessage) comes back to that vCPU's SINT;
//   ctl 6/7    the same for event connection `conn_id`: HvSignalEvent on it sets event
//              flag `conn_id` of that vCPU's SINT.
// The routes live in KVM (KVM_IRQ_ROUTING_HV_SINT); this device keeps their list and gives
// it to the machine to install. It also answers the Hyper-V hypercalls KVM leaves to user
// space (KVM_EXIT_HYPERV), as QEMU's hw/hyperv/hyperv.c does.
#pragma once

#include "host/machine/synic_messages.h"
#include "host/memory/region.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace slotbox::machine {

class HypervTestdev final : public memory::MmioHandler {
public:
  static constexpr uint16_t kPort = 0x3000;
  static constexpr uint64_t kPortCount = 4;

  enum class RouteKind { kPlain, kMessages, kEvents };
  struct SintRoute {
    uint32_t gsi = 0;
    uint32_t vp_index = 0;
    uint32_t sint = 0;
    RouteKind kind = RouteKind::kPlain;
    uint32_t connection = 0;  // for kMessages and kEvents
  };
  // Installs the complete list of routes (it replaces the previous one).
  using InstallRoutes = std::function<void(const std::vector<SintRoute>&)>;
  // Raises a GSI once.
  using SignalGsi = SynicMessages::SignalGsi;

  HypervTestdev(InstallRoutes install, SignalGsi signal)
      : m_install(std::move(install)), m_signal(signal), m_messages(std::move(signal)) {}

  void set_guest_ram(SynicMessages::GuestRam guest_ram) {
    m_guest_ram = guest_ram;
    m_messages.set_guest_ram(std::move(guest_ram));
  }

  uint64_t read(uint64_t, unsigned) override { return 0; }
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  // KVM_EXIT_HYPERV: where a vCPU's guest put its SynIC pages (SIMP, SIEFP MSR values), and
  // a hypercall (its control word and the RDX and R8 inputs), answered with a TLFS status.
  void set_synic_pages(uint32_t vp_index, uint64_t simp, uint64_t siefp) { m_messages.set_pages(vp_index, simp, siefp); }
  uint64_t hypercall(uint64_t control, uint64_t input, uint64_t output);

  const std::vector<SintRoute>& routes() const { return m_routes; }
  SynicMessages& messages() { return m_messages; }

private:
  // The route that `wanted` names (its gsi is not part of the name), or null.
  SintRoute* find(const SintRoute& wanted);
  uint32_t free_gsi() const;
  void create(const SintRoute& route);
  void destroy(SintRoute* route);
  uint64_t post_message(uint64_t input_gpa);
  uint64_t signal_event(uint64_t parameter);

  // Port writes and hypercalls come from every vCPU's thread, one at a time: the run
  // controller handles exits under the machine lock.
  InstallRoutes m_install;
  SignalGsi m_signal;
  SynicMessages::GuestRam m_guest_ram;
  std::vector<SintRoute> m_routes;
  SynicMessages m_messages;  // last: its thread starts when the rest is ready
};

} // namespace slotbox::machine
