// QEMU's fw_cfg on its legacy I/O ports (hw/nvram/fw_cfg.c, docs/specs/fw_cfg.rst): a 16-bit
// write to 0x510 selects an item and rewinds it, and each byte read from 0x510/0x511 returns
// the item's next byte, 0 past its end or for an item QEMU would not have. The items are the
// ones a kernel started without firmware asks for: signature, interface ID, UUID, RAM size,
// CPU counts, nographic, boot menu and x86's IRQ0 override. No DMA interface (ID bit 1 clear)
// and no file directory.
#pragma once

#include "host/machine/pc_layout.h"
#include "host/memory/region.h"

#include <cstdint>
#include <map>
#include <vector>

namespace slotbox::machine {

class FwCfg final : public memory::MmioHandler {
public:
  static constexpr uint16_t kBasePort = 0x510;
  static constexpr uint64_t kPortCount = 2;  // selector at 0, data at 1

  // Item keys (docs/specs/fw_cfg.rst "Selector Register"; x86 keys from hw/i386/fw_cfg.h).
  enum Key : uint16_t {
    kSignature = 0x00,
    kId = 0x01,
    kUuid = 0x02,
    kRamSize = 0x03,
    kNoGraphic = 0x04,
    kNbCpus = 0x05,
    kBootMenu = 0x0E,
    kMaxCpus = 0x0F,
    kArchLocal = 0x8000,
    kIrq0Override = kArchLocal + 2,
  };
  static constexpr uint16_t kWriteChannel = 0x4000;  // ignored in the key: QEMU masks it off
  static constexpr uint32_t kIdTraditional = 0x1;    // the port interface; 0x2 would be DMA

  FwCfg(const PcLayout& layout, uint32_t cpu_count);

  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  void select(uint16_t key);
  uint8_t read_byte();

private:
  void add(uint16_t key, uint64_t value, unsigned bytes);

  std::map<uint16_t, std::vector<uint8_t>> m_items;
  const std::vector<uint8_t>* m_current = nullptr;  // null: nothing selected or no such item
  size_t m_offset = 0;
};

} // namespace slotbox::machine
