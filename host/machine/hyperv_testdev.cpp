#include "host/machine/hyperv_testdev.h"

#include "host/kvm/irq_routing.h"

#include <algorithm>
#include <cstring>

namespace slotbox::machine {
namespace {

enum Control : uint32_t {
  kRouteCreate = 1,
  kRouteDestroy,
  kRouteSetSint,
  kMessagesCreate,
  kMessagesDestroy,
  kEventsCreate,
  kEventsDestroy,
};

// Hyper-V TLFS: the call code in bits 0-15 of the control word, "fast" (inputs in
// registers, not in memory) in bit 16.
constexpr uint64_t kCallCodeMask = 0xFFFF;
constexpr uint64_t kFastCall = 1ull << 16;
constexpr uint64_t kPostMessage = 0x5C;
constexpr uint64_t kSignalEvent = 0x5D;

// struct hv_input_post_message: connection id, reserved, message type, payload size (u32
// each), then the payload.
constexpr uint64_t kPostInputHeader = 16;

uint32_t u32_at(const uint8_t* bytes, size_t offset) {
  uint32_t value;
  std::memcpy(&value, bytes + offset, sizeof value);
  return value;
}

} // namespace

// A plain route is named by its vCPU and SINT; a message or event route by its connection
// alone (where it delivers is what it holds, as in QEMU's test device).
HypervTestdev::SintRoute* HypervTestdev::find(const SintRoute& wanted) {
  auto it = std::find_if(m_routes.begin(), m_routes.end(), [&](const SintRoute& route) {
    if (route.kind != wanted.kind) return false;
    if (wanted.kind == RouteKind::kPlain) return route.vp_index == wanted.vp_index && route.sint == wanted.sint;
    return route.connection == wanted.connection;
  });
  return it == m_routes.end() ? nullptr : &*it;
}

uint32_t HypervTestdev::free_gsi() const {
  for (uint32_t gsi = kvm::kFirstFreeGsi;; ++gsi)
    if (std::none_of(m_routes.begin(), m_routes.end(), [&](const SintRoute& route) { return route.gsi == gsi; }))
      return gsi;
}

void HypervTestdev::create(const SintRoute& route) {
  m_routes.push_back(route);
  m_routes.back().gsi = free_gsi();
  m_install(m_routes);
}

void HypervTestdev::destroy(SintRoute* route) {
  if (route->kind == RouteKind::kMessages) m_messages.drop_staged(route->connection);
  m_routes.erase(m_routes.begin() + (route - m_routes.data()));
  m_install(m_routes);
}

// QEMU takes the command as one 32-bit write at the port's first byte; so does slotbox. A
// second create of what exists, or a destroy or signal of what does not, does nothing
// (QEMU asserts).
void HypervTestdev::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset != 0 || size != 4) return;
  uint32_t control_field = (value >> 16) & 0xFF;
  if (control_field < kRouteCreate || control_field > kEventsDestroy) return;
  uint32_t connection = (value >> 24) & 0xFF, control = control_field;
  uint32_t vp_index = (value >> 8) & 0xFF, sint = value & 0xFF;
  RouteKind kind = control >= kEventsCreate     ? RouteKind::kEvents
                   : control >= kMessagesCreate ? RouteKind::kMessages
                                                : RouteKind::kPlain;
  if (kind == RouteKind::kPlain) connection = 0;
  bool creates = control == kRouteCreate || control == kMessagesCreate || control == kEventsCreate;
  SintRoute wanted{0, vp_index, sint, kind, connection};
  SintRoute* route = find(wanted);
  if (control == kRouteSetSint) {
    if (route) m_signal(route->gsi);
  } else if (creates && !route) {
    create(wanted);
  } else if (!creates && route) {
    destroy(route);
  }
}

uint64_t HypervTestdev::hypercall(uint64_t control, uint64_t input, uint64_t) {
  switch (control & kCallCodeMask) {
  case kPostMessage: return control & kFastCall ? kHvStatusInvalidHypercallInput : post_message(input);
  case kSignalEvent: {
    if (control & kFastCall) return signal_event(input);
    const uint8_t* parameter = m_guest_ram ? m_guest_ram(input, sizeof(uint64_t)) : nullptr;
    if (!parameter) return kHvStatusInvalidHypercallInput;
    uint64_t value;
    std::memcpy(&value, parameter, sizeof value);
    return signal_event(value);
  }
  default: return kHvStatusInvalidHypercallCode;
  }
}

uint64_t HypervTestdev::post_message(uint64_t input_gpa) {
  const uint8_t* input =
      m_guest_ram ? m_guest_ram(input_gpa, kPostInputHeader + SynicMessages::kMessagePayloadMax) : nullptr;
  if (!input) return kHvStatusInvalidHypercallInput;
  uint32_t connection = u32_at(input, 0), type = u32_at(input, 8), size = u32_at(input, 12);
  SintRoute* route = find({.kind = RouteKind::kMessages, .connection = connection});
  if (!route) return kHvStatusInvalidConnectionId;
  return m_messages.post_message(connection, {route->vp_index, route->sint, route->gsi}, type,
                                 input + kPostInputHeader, size);
}

// The parameter is the connection id, with a flag number in bits 32-47 that must be 0
// (TLFS); QEMU's test device then sets the flag numbered as the connection.
uint64_t HypervTestdev::signal_event(uint64_t parameter) {
  if (parameter >> 32) return kHvStatusInvalidHypercallInput;
  auto connection = static_cast<uint32_t>(parameter);
  SintRoute* route = find({.kind = RouteKind::kEvents, .connection = connection});
  if (!route) return kHvStatusInvalidConnectionId;
  return m_messages.set_event_flag({route->vp_index, route->sint, route->gsi}, connection);
}

} // namespace slotbox::machine
