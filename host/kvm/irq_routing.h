// The GSI routing table of the in-kernel irqchip. KVM_SET_GSI_ROUTING replaces the whole
// table, so a VM that adds a route (a Hyper-V SynIC interrupt source, kvm/hyperv.h) gives
// KVM's default table again with it.
#pragma once

#include <linux/kvm.h>

#include <cstdint>
#include <vector>

namespace slotbox::kvm {

// What KVM_CREATE_IRQCHIP sets up (arch/x86/kvm/irq_comm.c, default_routing): GSI 0-15
// to the IOAPIC pin of that number and to the PIC pin (master for 0-7, slave for 8-15),
// GSI 16-23 to the IOAPIC only.
std::vector<kvm_irq_routing_entry> default_irq_routing();

// A GSI that, raised, signals SynIC interrupt source `sint` of the vCPU with Hyper-V VP
// index `vp_index` (KVM_IRQ_ROUTING_HV_SINT).
kvm_irq_routing_entry hyperv_sint_route(uint32_t gsi, uint32_t vp_index, uint32_t sint);

// The first GSI above the irqchip's 24 lines, where added routes go.
inline constexpr uint32_t kFirstFreeGsi = 24;

} // namespace slotbox::kvm
