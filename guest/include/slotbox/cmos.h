// What the CMOS says about memory, read the way a BIOS reads it (QEMU's pc_cmos_init).
// An index write and a data read make one access: from one CPU at a time.
#pragma once

#include "slotbox/abi.h"
#include "slotbox/io.h"

#include <stdint.h>

namespace slotbox::guest {

inline uint8_t read_cmos(uint8_t index) {
  outb(abi::kCmosIndexPort, index);
  return inb(abi::kCmosDataPort);
}

inline uint64_t read_cmos_word(uint8_t low_index) {
  return read_cmos(low_index) | uint64_t{read_cmos(static_cast<uint8_t>(low_index + 1))} << 8;
}

struct CmosMemory {
  uint64_t base_kib;        // 0x15/0x16
  uint64_t extended_kib;    // 0x17/0x18: KiB above 1 MiB, capped at 65535
  uint64_t above_16m_64k;   // 0x34/0x35: 64 KiB units from 16 MiB to the end of low RAM
  uint64_t above_4g_64k;    // 0x5B-0x5D: 64 KiB units above 4 GiB

  // RAM below 4 GiB: from 0x34/0x35 when present (more than 16 MiB), else 0x17/0x18.
  uint64_t low_ram() const {
    if (above_16m_64k) return (16ull << 20) + (above_16m_64k << 16);
    return (1ull << 20) + (extended_kib << 10);
  }
  uint64_t high_ram() const { return above_4g_64k << 16; }
};

inline CmosMemory read_cmos_memory() {
  namespace reg = abi::cmos;
  return CmosMemory{
      read_cmos_word(reg::kBaseMemoryLow),
      read_cmos_word(reg::kExtendedMemoryLow),
      read_cmos_word(reg::kMemoryAbove16mLow),
      read_cmos_word(reg::kMemoryAbove4gLow) | uint64_t{read_cmos(reg::kMemoryAbove4gHigh)} << 16,
  };
}

} // namespace slotbox::guest
