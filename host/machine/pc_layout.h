// Where QEMU's `-M pc` puts RAM and the BIOS for a given RAM and BIOS size (docs/design.md §3;
// hw/i386/pc_piix.c). Pure arithmetic, shared by the map builder and the CMOS.
#pragma once

#include <cstdint>

namespace slotbox::machine {

inline constexpr uint64_t kKiB = 1024;
inline constexpr uint64_t kMiB = 1024 * kKiB;
inline constexpr uint64_t kGiB = 1024 * kMiB;

struct PcLayout {
  // QEMU's i440fx: with 3.5 GiB or more, low RAM stops at 3 GiB (gigabyte alignment) and
  // the rest moves above 4 GiB.
  static constexpr uint64_t kLowRamLimit = 0xE0000000;
  static constexpr uint64_t kGigabyteAlignedLowRam = 0xC0000000;
  static constexpr uint64_t kFourGiB = 4 * kGiB;
  static constexpr uint64_t kOptionRomBase = 0xC0000;   // pc.rom, 128 KiB
  static constexpr uint64_t kOptionRomSize = 128 * kKiB;
  static constexpr uint64_t kIsaBiosMaxSize = 128 * kKiB; // ends at 1 MiB
  static constexpr uint64_t kOneMiB = 1 * kMiB;

  uint64_t ram_size;
  uint64_t bios_size;

  uint64_t low_ram() const { return ram_size < kLowRamLimit ? ram_size : kGigabyteAlignedLowRam; }
  uint64_t high_ram() const { return ram_size - low_ram(); }
  uint64_t bios_base() const { return kFourGiB - bios_size; }
  uint64_t isa_bios_size() const { return bios_size < kIsaBiosMaxSize ? bios_size : kIsaBiosMaxSize; }
  uint64_t isa_bios_base() const { return kOneMiB - isa_bios_size(); }
  // The isa-bios alias shows the BIOS's last isa_bios_size() bytes.
  uint64_t isa_bios_offset() const { return bios_size - isa_bios_size(); }
};

} // namespace slotbox::machine
