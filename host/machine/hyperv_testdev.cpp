#include "host/machine/hyperv_testdev.h"

#include "host/kvm/irq_routing.h"

#include <algorithm>

namespace slotbox::machine {
namespace {

enum Control : uint32_t { kRouteCreate = 1, kRouteDestroy = 2, kRouteSetSint = 3 };

} // namespace

HypervTestdev::SintRoute* HypervTestdev::find(uint32_t vp_index, uint32_t sint) {
  auto it = std::find_if(m_routes.begin(), m_routes.end(),
                         [&](const SintRoute& route) { return route.vp_index == vp_index && route.sint == sint; });
  return it == m_routes.end() ? nullptr : &*it;
}

uint32_t HypervTestdev::free_gsi() const {
  for (uint32_t gsi = kvm::kFirstFreeGsi;; ++gsi)
    if (std::none_of(m_routes.begin(), m_routes.end(), [&](const SintRoute& route) { return route.gsi == gsi; }))
      return gsi;
}

// QEMU accepts the command as one 32-bit write at the port's first byte; so do we.
void HypervTestdev::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset != 0 || size != 4) return;
  uint32_t control = (value >> 16) & 0xFF, vp_index = (value >> 8) & 0xFF, sint = value & 0xFF;
  SintRoute* route = find(vp_index, sint);
  switch (control) {
  case kRouteCreate:
    if (route) return;  // QEMU asserts there is none; a guest gets no second one here
    m_routes.push_back({free_gsi(), vp_index, sint});
    m_install(m_routes);
    return;
  case kRouteDestroy:
    if (!route) return;
    m_routes.erase(m_routes.begin() + (route - m_routes.data()));
    m_install(m_routes);
    return;
  case kRouteSetSint:
    if (route) m_signal(route->gsi);
    return;
  default:
    return;
  }
}

} // namespace slotbox::machine
