// The PC layout and CMOS values must be QEMU's for every RAM size (hw/i386/pc_piix.c,
// pc_cmos_init in hw/i386/pc.c).
#include "host/machine/cmos.h"
#include "host/machine/pc_layout.h"
#include "host/machine/pc_memory_map.h"
#include "memory_test_support.h"
#include "slotbox/abi.h"

#include <doctest/doctest.h>

using namespace slotbox::machine;
namespace cmos = slotbox::abi::cmos;

namespace {

uint64_t cmos_word(Cmos& rtc, uint8_t low_index) {
  rtc.write(0, 1, low_index);
  uint64_t low = rtc.read(1, 1);
  rtc.write(0, 1, low_index + 1);
  return low | rtc.read(1, 1) << 8;
}

uint64_t cmos_above_4g(Cmos& rtc) {
  uint64_t value = 0;
  for (uint8_t index : {cmos::kMemoryAbove4gHigh, cmos::kMemoryAbove4gMid, cmos::kMemoryAbove4gLow}) {
    rtc.write(0, 1, index);
    value = value << 8 | rtc.read(1, 1);
  }
  return value;
}

} // namespace

TEST_CASE("low and high RAM split as QEMU's pc does") {
  SUBCASE("below 3.5 GiB everything is low") {
    PcLayout layout{3 * kGiB, 256 * kKiB};
    CHECK(layout.low_ram() == 3 * kGiB);
    CHECK(layout.high_ram() == 0);
  }
  SUBCASE("just below the limit stays low") {
    PcLayout layout{0xE0000000 - 2 * kMiB, 256 * kKiB};
    CHECK(layout.low_ram() == 0xE0000000 - 2 * kMiB);
  }
  SUBCASE("3.5 GiB and more: low stops at 3 GiB") {
    PcLayout layout{0xE0000000, 256 * kKiB};
    CHECK(layout.low_ram() == 0xC0000000);
    CHECK(layout.high_ram() == 0x20000000);
  }
  SUBCASE("6 GiB") {
    PcLayout layout{6 * kGiB, 256 * kKiB};
    CHECK(layout.low_ram() == 3 * kGiB);
    CHECK(layout.high_ram() == 3 * kGiB);
  }
}

TEST_CASE("the BIOS sits under 4 GiB and its last 128 KiB under 1 MiB") {
  SUBCASE("256 KiB BIOS") {
    PcLayout layout{4 * kGiB, 256 * kKiB};
    CHECK(layout.bios_base() == 0xFFFC0000);
    CHECK(layout.isa_bios_base() == 0xE0000);
    CHECK(layout.isa_bios_size() == 128 * kKiB);
    CHECK(layout.isa_bios_offset() == 128 * kKiB);
  }
  SUBCASE("a 64 KiB BIOS is aliased whole") {
    PcLayout layout{4 * kGiB, 64 * kKiB};
    CHECK(layout.bios_base() == 0xFFFF0000);
    CHECK(layout.isa_bios_base() == 0xF0000);
    CHECK(layout.isa_bios_offset() == 0);
  }
}

TEST_CASE("CMOS memory registers follow pc_cmos_init") {
  SUBCASE("512 MiB") {
    Cmos rtc(PcLayout{512 * kMiB, 256 * kKiB}, 1);
    CHECK(cmos_word(rtc, cmos::kBaseMemoryLow) == 640);
    CHECK(cmos_word(rtc, cmos::kExtendedMemoryLow) == 65535);  // capped
    CHECK(cmos_word(rtc, cmos::kExtendedMemoryLow2) == 65535);
    CHECK(cmos_word(rtc, cmos::kMemoryAbove16mLow) == (512 - 16) * 16);
    CHECK(cmos_above_4g(rtc) == 0);
  }
  SUBCASE("6 GiB") {
    Cmos rtc(PcLayout{6 * kGiB, 256 * kKiB}, 1);
    CHECK(cmos_word(rtc, cmos::kMemoryAbove16mLow) == (3 * kGiB - 16 * kMiB) / (64 * kKiB));
    CHECK(cmos_above_4g(rtc) == 3 * kGiB / (64 * kKiB));
  }
  SUBCASE("64 GiB needs the third above-4G byte") {
    Cmos rtc(PcLayout{64 * kGiB, 256 * kKiB}, 1);
    CHECK(cmos_above_4g(rtc) == 61 * kGiB / (64 * kKiB));
  }
  SUBCASE("the NMI bit of the index is ignored and the index port reads all ones") {
    Cmos rtc(PcLayout{4 * kGiB, 256 * kKiB}, 1);
    rtc.write(0, 1, 0x80 | cmos::kBaseMemoryLow);
    CHECK(rtc.read(1, 1) == (640 & 0xFF));
    CHECK(rtc.read(0, 1) == 0xFF);
  }
  SUBCASE("register 0x5f holds the CPU count minus one") {
    CHECK(Cmos(PcLayout{4 * kGiB, 256 * kKiB}, 1).reg(cmos::kCpuCountMinusOne) == 0);
    CHECK(Cmos(PcLayout{4 * kGiB, 256 * kKiB}, 64).reg(cmos::kCpuCountMinusOne) == 63);
  }
}

TEST_CASE("the PC memory map renders QEMU's flat view") {
  std::vector<uint8_t> bios(256 * kKiB, 0xF4);
  auto map = PcMemoryMap::create(4 * kGiB, bios);
  REQUIRE(map);
  auto lines = slotbox::memory::testing::describe((*map)->memory().view());
  CHECK(lines == std::vector<std::string>{
                     "pc.ram 0x0+0xc0000 @0x0",
                     "pc.rom 0xc0000+0x20000 @0x0 ro",
                     "pc.bios 0xe0000+0x20000 @0x20000 ro",
                     "pc.ram 0x100000+0xbff00000 @0x100000",
                     "pc.bios 0xfffc0000+0x40000 @0x0 ro",
                     "pc.ram 0x100000000+0x40000000 @0xc0000000",
                 });
}
