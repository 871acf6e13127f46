// QEMU's pc-testdev (hw/misc/pc-testdev.c): scratch ports, flush page, IRQ lines, iomem.
#include "host/machine/pc_testdev.h"

#include <doctest/doctest.h>

#include <sys/mman.h>

#include <utility>
#include <vector>

using slotbox::machine::PcTestdev;

TEST_CASE("pc-testdev 0xE0 is a 32-bit scratch readable at any width and offset") {
  PcTestdev dev;
  dev.ioport().write(0, 4, 0x12345678);
  CHECK(dev.ioport().read(0, 4) == 0x12345678);
  CHECK(dev.ioport().read(0, 2) == 0x5678);
  CHECK(dev.ioport().read(2, 2) == 0x1234);
  CHECK(dev.ioport().read(3, 1) == 0x12);
  dev.ioport().write(1, 1, 0xAB);
  CHECK(dev.scratch() == 0x1234AB78);
  dev.ioport().write(2, 2, 0xCDEF);
  CHECK(dev.ioport().read(0, 4) == 0xCDEFAB78);
}

TEST_CASE("pc-testdev 0xE8 is the same scratch, byte by byte") {
  PcTestdev dev;
  dev.ioport().write(0, 4, 0xA1B2C3D4);
  CHECK(dev.ioport_byte().read(0, 4) == 0xA1B2C3D4);
  CHECK(dev.ioport_byte().read(1, 1) == 0xC3);
  dev.ioport_byte().write(0, 2, 0x1122);
  CHECK(dev.ioport().read(0, 4) == 0xA1B21122);
}

TEST_CASE("pc-testdev IRQ line writes raise and lower line n") {
  std::vector<std::pair<int, bool>> lines;
  PcTestdev dev([&](int irq, bool level) { lines.emplace_back(irq, level); });
  dev.irq_lines().write(0x0E, 1, 1);
  dev.irq_lines().write(0x0E, 1, 0);
  dev.irq_lines().write(23, 1, 0x80);
  dev.irq_lines().write(3, 2, 1);  // QEMU accepts only byte writes
  CHECK(lines == std::vector<std::pair<int, bool>>{{14, true}, {14, false}, {23, true}});
  CHECK(dev.irq_lines().read(0x0E, 1) == 0);
}

TEST_CASE("pc-testdev IRQ line writes without a wired line are dropped") {
  PcTestdev dev;
  dev.irq_lines().write(4, 1, 1);
  CHECK(dev.irq_lines().read(4, 1) == 0);
}

TEST_CASE("pc-testdev flush page re-creates the host mapping of the page and keeps its bytes") {
  const size_t size = 2 * PcTestdev::kPageSize;
  void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(memory != MAP_FAILED);
  auto* ram = static_cast<uint8_t*>(memory);
  ram[PcTestdev::kPageSize + 5] = 0x42;
  std::vector<uint64_t> asked;
  PcTestdev dev;
  dev.set_guest_page([&](uint64_t gpa) -> uint8_t* {
    asked.push_back(gpa);
    return gpa < size ? ram + gpa : nullptr;
  });
  dev.flush().write(0, 4, PcTestdev::kPageSize + 0x123);
  CHECK(asked == std::vector<uint64_t>{PcTestdev::kPageSize});
  CHECK(dev.pages_flushed() == 1);
  CHECK(ram[PcTestdev::kPageSize + 5] == 0x42);
  ram[PcTestdev::kPageSize + 6] = 0x43;  // still writable
  SUBCASE("not RAM: nothing happens") {
    dev.flush().write(0, 4, 0x10000);
    CHECK(dev.pages_flushed() == 1);
  }
  SUBCASE("only 32-bit writes count, as in QEMU") {
    dev.flush().write(0, 1, 0);
    CHECK(dev.pages_flushed() == 1);
  }
  CHECK(dev.flush().read(0, 4) == 0);
  munmap(memory, size);
}

TEST_CASE("pc-testdev iomem is 64 KiB of memory behind MMIO") {
  PcTestdev dev;
  CHECK(dev.iomem().read(0, 8) == 0);
  dev.iomem().write(0x100, 8, 0x0102030405060708);
  CHECK(dev.iomem().read(0x100, 8) == 0x0102030405060708);
  CHECK(dev.iomem().read(0x101, 2) == 0x0607);
  dev.iomem().write(PcTestdev::kIomemSize - 4, 4, 0xDEADBEEF);
  CHECK(dev.iomem().read(PcTestdev::kIomemSize - 4, 4) == 0xDEADBEEF);
}
