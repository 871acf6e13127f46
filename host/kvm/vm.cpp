#include "host/kvm/vm.h"

#include "host/base/format.h"
#include "host/kvm/ioctl.h"
#include "host/kvm/vcpu.h"

#include <cstring>

namespace slotbox::kvm {
namespace {

// QEMU's choice (target/i386/kvm/kvm.c): just below the top-of-4G BIOS, inside the
// MMIO hole, where no slotbox region lives.
constexpr uint64_t kIdentityMapAddress = 0xFEFFC000;
constexpr uint64_t kTssAddress = kIdentityMapAddress + 0x1000;

} // namespace

Result<void> Vm::set_memory_slot(const MemorySlot& slot) {
  kvm_userspace_memory_region region{};
  region.slot = slot.id;
  region.flags = slot.flags;
  region.guest_phys_addr = slot.gpa;
  region.memory_size = slot.size;
  region.userspace_addr = reinterpret_cast<uint64_t>(slot.host);
  ++m_memory_slot_calls;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_SET_USER_MEMORY_REGION, &region,
                             "slot " + std::to_string(slot.id) + ", gpa " + hex(slot.gpa) +
                                 ", size " + hex(slot.size)));
  return {};
}

Result<std::vector<uint64_t>> Vm::dirty_log(const MemorySlot& slot) {
  constexpr uint64_t kPageSize = 4096;
  uint64_t pages = slot.size / kPageSize;
  std::vector<uint64_t> bitmap((pages + 63) / 64);
  kvm_dirty_log log{};
  log.slot = slot.id;
  log.dirty_bitmap = bitmap.data();
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_GET_DIRTY_LOG, &log, "slot " + std::to_string(slot.id)));
  if (m_manual_dirty_clear) {
    kvm_clear_dirty_log clear{};
    clear.slot = slot.id;
    clear.first_page = 0;
    clear.num_pages = static_cast<uint32_t>(pages);  // the whole slot: no multiple of 64 needed
    clear.dirty_bitmap = bitmap.data();
    SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_CLEAR_DIRTY_LOG, &clear, "slot " + std::to_string(slot.id)));
  }
  return bitmap;
}

Result<void> Vm::enable_manual_dirty_clear() {
  int supported = ::ioctl(m_fd.get(), KVM_CHECK_EXTENSION, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
  if (supported <= 0 || !(supported & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE)) return {};
  kvm_enable_cap cap{};
  cap.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2;
  cap.args[0] = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;  // not INITIALLY_SET: logs start clean
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_ENABLE_CAP, &cap, "KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2"));
  m_manual_dirty_clear = true;
  return {};
}

Result<bool> Vm::enable_exit_on_emulation_failure() {
  if (::ioctl(m_fd.get(), KVM_CHECK_EXTENSION, KVM_CAP_EXIT_ON_EMULATION_FAILURE) <= 0) return false;
  kvm_enable_cap cap{};
  cap.cap = KVM_CAP_EXIT_ON_EMULATION_FAILURE;
  cap.args[0] = 1;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_ENABLE_CAP, &cap, "KVM_CAP_EXIT_ON_EMULATION_FAILURE"));
  return true;
}

Result<void> Vm::set_real_mode_pages() {
  uint64_t identity_map = kIdentityMapAddress;
  if (::ioctl(m_fd.get(), KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0)
    SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_SET_IDENTITY_MAP_ADDR, &identity_map));
  if (::ioctl(m_fd.get(), KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0)
    SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_SET_TSS_ADDR, kTssAddress));
  return {};
}

Result<void> Vm::create_irqchip() {
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_CREATE_IRQCHIP, 0));
  return {};
}

Result<void> Vm::create_pit() {
  kvm_pit_config config{};  // flags 0: no speaker port dummy, as QEMU's in-kernel PIT
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_CREATE_PIT2, &config));
  return {};
}

Result<void> Vm::irq_line(uint32_t gsi, bool level) {
  kvm_irq_level line{};
  line.irq = gsi;
  line.level = level ? 1 : 0;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_IRQ_LINE, &line, "GSI " + std::to_string(gsi)));
  return {};
}

Result<void> Vm::set_gsi_routing(const std::vector<kvm_irq_routing_entry>& table) {
  std::vector<uint8_t> buffer(sizeof(IrqRoutingHeader) + table.size() * sizeof(kvm_irq_routing_entry));
  auto* header = reinterpret_cast<IrqRoutingHeader*>(buffer.data());
  header->nr = static_cast<uint32_t>(table.size());
  std::memcpy(header + 1, table.data(), table.size() * sizeof(kvm_irq_routing_entry));
  SLOTBOX_TRY_VOID(checked_ioctl<kSetGsiRouting>(m_fd.get(), "KVM_SET_GSI_ROUTING", header));
  return {};
}

Result<kvm_irqchip> Vm::irqchip(uint32_t chip_id) const {
  kvm_irqchip chip{};
  chip.chip_id = chip_id;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_GET_IRQCHIP, &chip, "chip " + std::to_string(chip_id)));
  return chip;
}

Result<void> Vm::set_irqchip(const kvm_irqchip& chip) {
  kvm_irqchip copy = chip;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_SET_IRQCHIP, &copy, "chip " + std::to_string(chip.chip_id)));
  return {};
}

Result<Vcpu> Vm::create_vcpu(uint32_t id) {
  int vcpu_fd = SLOTBOX_TRY(KVM_IOCTL(m_fd.get(), KVM_CREATE_VCPU, static_cast<unsigned long>(id)));
  Fd fd(vcpu_fd);
  Mapping run = SLOTBOX_TRY(Mapping::of_fd(fd.get(), m_vcpu_mmap_size, "kvm_run"));
  return Vcpu(std::move(fd), std::move(run));
}

} // namespace slotbox::kvm
