// The PC's devices as the guest reaches them: through the port and memory address spaces.
#include "host/machine/pc_devices.h"
#include "memory_test_support.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using namespace slotbox::machine;
using slotbox::memory::RegionKind;

namespace {

struct Pc {
  explicit Pc(PcDeviceOptions options = {}, uint32_t cpus = 1)
      : bios(256 * kKiB, 0xF4), map(PcMemoryMap::create(4 * kGiB, bios).value()),
        devices(map->layout(), [this](char c) { console += c; }, cpus, std::move(options)) {
    REQUIRE(devices.attach(*map));
  }
  uint64_t in(uint16_t port, unsigned size) { return map->io().read(port, size); }
  void out(uint16_t port, unsigned size, uint64_t value) { map->io().write(port, size, value); }

  std::vector<uint8_t> bios;
  std::unique_ptr<PcMemoryMap> map;
  std::string console;
  PcDevices devices;
};

const std::vector<std::string> kQemuFlatView = {
    "pc.ram 0x0+0xc0000 @0x0",
    "pc.rom 0xc0000+0x20000 @0x0 ro",
    "pc.bios 0xe0000+0x20000 @0x20000 ro",
    "pc.ram 0x100000+0xbff00000 @0x100000",
    "slotbox-test-device 0xfeb00000+0x1000 @0x0",
    "pc.bios 0xfffc0000+0x40000 @0x0 ro",
    "pc.ram 0x100000000+0x40000000 @0xc0000000",
};

} // namespace

TEST_CASE("PC serial at 0x3F8: LCR reads back and DLAB bytes are not console output") {
  Pc pc;
  pc.out(0x3FB, 1, 0x83);
  pc.out(0x3F8, 1, 0x01);
  pc.out(0x3F9, 1, 0x00);
  pc.out(0x3FB, 1, 0x03);
  pc.out(0x3F8, 1, 'o');
  pc.out(0x3F8, 1, 'k');
  CHECK(pc.in(0x3FB, 1) == 0x03);
  CHECK(pc.console == "ok");
  CHECK(pc.in(0x3FD, 1) == 0x60);
}

TEST_CASE("PC fw_cfg at 0x510/0x511 gives the vCPU count and RAM size") {
  Pc pc({}, 4);
  pc.out(0x510, 2, FwCfg::kNbCpus);
  CHECK((pc.in(0x511, 1) | pc.in(0x511, 1) << 8) == 4);
  pc.out(0x510, 2, FwCfg::kRamSize);
  uint64_t ram = 0;
  for (int i = 0; i < 8; ++i) ram |= pc.in(0x511, 1) << (8 * i);
  CHECK(ram == 4 * kGiB);
}

TEST_CASE("PC PCI config address at 0xCF8 reads back; data reads all ones (no device)") {
  Pc pc;
  pc.out(0xCF8, 4, 0x80000000);
  CHECK(pc.in(0xCF8, 4) == 0x80000000);
  CHECK(pc.in(0xCFC, 4) == 0xFFFFFFFF);
  CHECK(pc.in(0xCFC, 2) == 0xFFFF);
  CHECK(pc.in(0xCFE, 1) == 0xFF);
  pc.out(0xCFC, 4, 0x12345678);
  CHECK(pc.in(0xCFC, 4) == 0xFFFFFFFF);
  pc.out(0xCF8, 1, 0x00);  // not a 32-bit write: the address stays
  CHECK(pc.in(0xCF8, 4) == 0x80000000);
}

TEST_CASE("PC port 0x8900 has no device, as in QEMU: writes dropped, reads all ones") {
  Pc pc;
  for (char c : std::string("Shutdown")) pc.out(0x8900, 1, static_cast<uint8_t>(c));
  CHECK(pc.in(0x8900, 1) == 0xFF);
  CHECK(pc.console.empty());
}

TEST_CASE("PC without testdev: no pc-testdev ports, the memory map is QEMU's -M pc") {
  Pc pc;
  CHECK(!pc.devices.testdev);
  CHECK(pc.in(0xE0, 4) == 0xFFFFFFFF);
  CHECK(pc.in(0x2000, 1) == 0xFF);
  CHECK(slotbox::memory::testing::describe(pc.map->memory().view()) == kQemuFlatView);
  CHECK(pc.map->memory().read(PcTestdev::kIomemBase, 4) == 0);  // unassigned
}

TEST_CASE("PC with testdev: its ports answer and iomem is MMIO at 0xFF000000, below the BIOS") {
  std::vector<std::pair<int, bool>> lines;
  Pc pc({.testdev = true, .irq_line = [&](int irq, bool level) { lines.emplace_back(irq, level); }});
  REQUIRE(pc.devices.testdev);
  pc.out(0xE0, 4, 0xCAFEF00D);
  CHECK(pc.in(0xE0, 4) == 0xCAFEF00D);
  CHECK(pc.in(0xE8, 1) == 0x0D);
  pc.out(0x2000 + 10, 1, 1);
  CHECK(lines == std::vector<std::pair<int, bool>>{{10, true}});

  auto flat = slotbox::memory::testing::describe(pc.map->memory().view());
  std::vector<std::string> expected = kQemuFlatView;
  expected.insert(expected.begin() + 5, "pc-testdev-iomem 0xff000000+0x10000 @0x0");
  CHECK(flat == expected);
  const auto* iomem = pc.map->memory().view().find(PcTestdev::kIomemBase);
  REQUIRE(iomem);
  CHECK(iomem->region->kind() == RegionKind::kMmio);  // no KVM slot
  CHECK(PcTestdev::kIomemBase + PcTestdev::kIomemSize <= pc.map->layout().bios_base());

  pc.map->memory().write(PcTestdev::kIomemBase + 0x40, 4, 0x11223344);
  CHECK(pc.map->memory().read(PcTestdev::kIomemBase + 0x40, 4) == 0x11223344);
}

TEST_CASE("PC with testdev: the flush port finds guest RAM through the map") {
  Pc pc({.testdev = true});
  pc.map->memory().write(0x200010, 4, 0xFEEDFACE);
  pc.out(0xE4, 4, 0x200010);
  CHECK(pc.devices.testdev->pages_flushed() == 1);
  CHECK(pc.map->memory().read(0x200010, 4) == 0xFEEDFACE);
  pc.out(0xE4, 4, 0xFFFF0000);  // the BIOS: not RAM, nothing to flush
  CHECK(pc.devices.testdev->pages_flushed() == 1);
}
