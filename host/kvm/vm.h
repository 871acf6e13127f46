// A KVM virtual machine: its memory slots and its vCPUs.
#pragma once

#include "host/base/error.h"
#include "host/base/fd.h"
#include "host/kvm/memory_slot.h"

#include <linux/kvm.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace slotbox::kvm {

class Vcpu;

class Vm final : public MemorySlotTable {
public:
  Vm(Fd fd, size_t vcpu_mmap_size, uint32_t max_memory_slots)
      : m_fd(std::move(fd)), m_vcpu_mmap_size(vcpu_mmap_size),
        m_max_memory_slots(max_memory_slots) {}

  Result<void> set_memory_slot(const MemorySlot& slot) override;
  Result<std::vector<uint64_t>> dirty_log(const MemorySlot& slot) override;
  Result<Vcpu> create_vcpu(uint32_t id);
  // The in-kernel interrupt controllers of a PC, as QEMU -M pc has them with KVM: a local
  // APIC per vCPU (0xFEE00000), the IOAPIC (0xFEC00000) and the two 8259 PICs; then the
  // 8254 PIT. Before any vCPU is created. With them HLT and INIT/SIPI stay in the kernel.
  Result<void> create_irqchip();
  Result<void> create_pit();
  // Sets an interrupt line of the in-kernel irqchip (KVM_IRQ_LINE): GSI 0-15 reach the
  // PICs and the IOAPIC, 16-23 the IOAPIC only.
  Result<void> irq_line(uint32_t gsi, bool level);
  // Replaces the whole GSI routing table (KVM_SET_GSI_ROUTING); see kvm/irq_routing.h.
  Result<void> set_gsi_routing(const std::vector<kvm_irq_routing_entry>& table);
  // The state of one in-kernel PIC (KVM_IRQCHIP_PIC_MASTER/SLAVE), to set it up as
  // firmware would have (firmware_handover.h).
  Result<kvm_irqchip> irqchip(uint32_t chip_id) const;  // KVM_GET_IRQCHIP
  Result<void> set_irqchip(const kvm_irqchip& chip);    // KVM_SET_IRQCHIP
  // Intel VMX without unrestricted guest needs these three pages for real mode; QEMU puts
  // them at the same place. A no-op elsewhere.
  Result<void> set_real_mode_pages();
  // Where KVM offers KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, dirty_log() gets the bitmap and
  // then clears exactly those bits with KVM_CLEAR_DIRTY_LOG, instead of relying on
  // KVM_GET_DIRTY_LOG to clear as it reads. Call before any slot logs.
  Result<void> enable_manual_dirty_clear();
  // Where KVM offers KVM_CAP_EXIT_ON_EMULATION_FAILURE, an instruction KVM cannot emulate
  // ends the run with KVM_EXIT_INTERNAL_ERROR and its bytes at any CPL. Without it, SVM
  // (KVM 6.1) reports a failure at CPL3 by injecting #UD into the guest instead.
  // Returns whether it is on.
  Result<bool> enable_exit_on_emulation_failure();

  int fd() const { return m_fd.get(); }
  uint32_t max_memory_slots() const override { return m_max_memory_slots; }
  uint64_t memory_slot_calls() const { return m_memory_slot_calls; }

private:
  Fd m_fd;
  size_t m_vcpu_mmap_size;
  uint32_t m_max_memory_slots;
  uint64_t m_memory_slot_calls = 0;
  bool m_manual_dirty_clear = false;
};

} // namespace slotbox::kvm
