#include "host/machine/firmware_handover.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace slotbox::machine {
namespace {

// SeaBIOS's pic_setup() and timer_setup(): ICW2 vector bases, and the masks OCW1 leaves.
constexpr uint8_t kMasterBase = 0x08, kSlaveBase = 0x70;
constexpr uint8_t kMasterMask = 0xFA;  // IRQ0 (timer) and IRQ2 (cascade) open
constexpr uint8_t kSlaveMask = 0xFF;

// The two handlers, in the last 16 bytes of the BIOS data area that the BDA leaves to
// programs (0x4F0, the "inter-application communication area"), where no kernel loads.
constexpr uint64_t kHandlerBase = 0x4F0;
constexpr std::array<uint8_t, 10> kHandlers{
    0xCF,                          // 0x4F0: iret
    0x50, 0xB0, 0x20, 0xE6, 0xA0,  // 0x4F1: push ax; mov al, 0x20; out 0xA0, al (EOI, slave)
    0xE6, 0x20, 0x58, 0xCF,        //        out 0x20, al (EOI, master); pop ax; iret
};
constexpr uint16_t kIretOffset = 0x4F0, kEoiOffset = 0x4F1;
constexpr uint32_t kLvt0Offset = 0x350, kLvtExtInt = 0x700;

Result<void> write_vector_table(PcMemoryMap& map) {
  uint8_t* ivt = map.guest_ram(0, 256 * 4);
  uint8_t* handlers = map.guest_ram(kHandlerBase, kHandlers.size());
  if (!ivt || !handlers) return fail(Error::bad_input("firmware hand-over", "low memory is not RAM"));
  for (unsigned vector = 0; vector < 256; ++vector) {
    bool hardware = (vector >= kMasterBase && vector < kMasterBase + 8) || (vector >= kSlaveBase && vector < kSlaveBase + 8);
    uint16_t offset = hardware ? kEoiOffset : kIretOffset, segment = 0;
    std::memcpy(ivt + vector * 4, &offset, 2);
    std::memcpy(ivt + vector * 4 + 2, &segment, 2);
  }
  std::copy(kHandlers.begin(), kHandlers.end(), handlers);
  return {};
}

Result<void> initialize_pic(kvm::Vm& vm, uint32_t chip_id, uint8_t base, uint8_t mask) {
  kvm_irqchip chip = SLOTBOX_TRY(vm.irqchip(chip_id));
  chip.chip.pic.irq_base = base;
  chip.chip.pic.imr = mask;
  chip.chip.pic.init_state = 0;
  chip.chip.pic.init4 = 1;
  return vm.set_irqchip(chip);
}

Result<void> route_pic_to_bsp(kvm::Vcpu& bsp) {
  kvm_lapic_state lapic = SLOTBOX_TRY(bsp.lapic());
  std::memcpy(lapic.regs + kLvt0Offset, &kLvtExtInt, sizeof kLvtExtInt);
  return bsp.set_lapic(lapic);
}

} // namespace

Result<void> hand_over_like_seabios(kvm::Vm& vm, kvm::Vcpu& bsp, PcMemoryMap& map) {
  SLOTBOX_TRY_VOID(write_vector_table(map));
  SLOTBOX_TRY_VOID(initialize_pic(vm, KVM_IRQCHIP_PIC_MASTER, kMasterBase, kMasterMask));
  SLOTBOX_TRY_VOID(initialize_pic(vm, KVM_IRQCHIP_PIC_SLAVE, kSlaveBase, kSlaveMask));
  return route_pic_to_bsp(bsp);
}

} // namespace slotbox::machine
