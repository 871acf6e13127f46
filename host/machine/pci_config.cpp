#include "host/machine/pci_config.h"

namespace slotbox::machine {
namespace {

constexpr unsigned kAddressWidth = 4;

} // namespace

// QEMU ignores narrower writes to 0xCF8: on a real PIIX a byte write to 0xCF9 is the reset
// control register, not part of the address.
void PciConfigAddress::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset == 0 && size == kAddressWidth) m_address = static_cast<uint32_t>(value);
}

uint64_t PciConfigAddress::read(uint64_t offset, unsigned size) {
  uint64_t value = m_address >> (8 * offset);
  return size >= 4 ? value : value & ((1ull << (8 * size)) - 1);
}

} // namespace slotbox::machine
