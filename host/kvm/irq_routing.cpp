#include "host/kvm/irq_routing.h"

namespace slotbox::kvm {
namespace {

constexpr uint32_t kPicLines = 16;
constexpr uint32_t kIoapicPins = 24;
constexpr uint32_t kPicPins = 8;

kvm_irq_routing_entry irqchip_route(uint32_t gsi, uint32_t chip, uint32_t pin) {
  kvm_irq_routing_entry entry{};
  entry.gsi = gsi;
  entry.type = KVM_IRQ_ROUTING_IRQCHIP;
  entry.u.irqchip.irqchip = chip;
  entry.u.irqchip.pin = pin;
  return entry;
}

} // namespace

std::vector<kvm_irq_routing_entry> default_irq_routing() {
  std::vector<kvm_irq_routing_entry> table;
  for (uint32_t gsi = 0; gsi < kIoapicPins; ++gsi) {
    table.push_back(irqchip_route(gsi, KVM_IRQCHIP_IOAPIC, gsi));
    if (gsi < kPicLines)
      table.push_back(irqchip_route(gsi, gsi < kPicPins ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE, gsi % kPicPins));
  }
  return table;
}

kvm_irq_routing_entry hyperv_sint_route(uint32_t gsi, uint32_t vp_index, uint32_t sint) {
  kvm_irq_routing_entry entry{};
  entry.gsi = gsi;
  entry.type = KVM_IRQ_ROUTING_HV_SINT;
  entry.u.hv_sint.vcpu = vp_index;
  entry.u.hv_sint.sint = sint;
  return entry;
}

} // namespace slotbox::kvm
