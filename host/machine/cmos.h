// The CMOS/RTC at ports 0x70 (index) and 0x71 (data), holding only what a BIOS needs to
// size memory and count CPUs: the registers QEMU's pc_cmos_init() sets (hw/i386/pc.c).
// Everything else reads 0.
#pragma once

#include "host/machine/pc_layout.h"
#include "host/memory/region.h"

#include <array>
#include <cstdint>

namespace slotbox::machine {

class Cmos final : public memory::MmioHandler {
public:
  static constexpr uint64_t kPortCount = 2;

  Cmos(const PcLayout& layout, uint32_t cpu_count);

  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  uint8_t reg(uint8_t index) const { return m_registers[index]; }

private:
  void set_word(uint8_t low_index, uint64_t value);
  std::array<uint8_t, 128> m_registers{};
  uint8_t m_index = 0;
};

} // namespace slotbox::machine
