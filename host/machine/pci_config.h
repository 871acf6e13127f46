// The PCI configuration mechanism #1 ports of QEMU's i440FX host bridge (hw/pci/pci_host.c):
// 0xCF8 holds a 32-bit address (only a 32-bit write at 0xCF8 sets it; reads return it), and
// 0xCFC-0xCFF are the data window. slotbox has no PCI devices, so the data window reads all
// ones (no device, or enable bit 31 clear) and swallows writes.
#pragma once

#include "host/memory/region.h"

#include <cstdint>

namespace slotbox::machine {

class PciConfigAddress final : public memory::MmioHandler {
public:
  static constexpr uint16_t kPort = 0xCF8;
  static constexpr uint64_t kPortCount = 4;

  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  uint32_t address() const { return m_address; }

private:
  uint32_t m_address = 0;
};

class PciConfigData final : public memory::MmioHandler {
public:
  static constexpr uint16_t kPort = 0xCFC;
  static constexpr uint64_t kPortCount = 4;

  uint64_t read(uint64_t, unsigned size) override {
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
  }
  void write(uint64_t, unsigned, uint64_t) override {}
};

} // namespace slotbox::machine
