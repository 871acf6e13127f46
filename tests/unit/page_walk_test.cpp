// The guest page-table walk against tables built by hand in a fake guest-physical memory.
#include "host/debug/page_walk.h"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

namespace slotbox::debug {
namespace {

constexpr uint64_t kPresentWritable = 0x3, kLarge = 0x80;

struct FakePhysical {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(64 * 4096);
  void put64(uint64_t gpa, uint64_t value) { std::memcpy(&bytes[gpa], &value, 8); }
  void put32(uint64_t gpa, uint32_t value) { std::memcpy(&bytes[gpa], &value, 4); }
  PhysicalRead reader() {
    return [this](uint64_t gpa, std::span<uint8_t> out) {
      if (gpa + out.size() > bytes.size()) return false;
      std::memcpy(out.data(), &bytes[gpa], out.size());
      return true;
    };
  }
};

// Long mode, 4 levels: PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000.
struct LongModeTables : FakePhysical {
  PagingMode mode{1ull << 31, 0x1000, 1ull << 5, 1ull << 10 | 1ull << 8};
  LongModeTables() {
    put64(0x1000 + 1 * 8, 0x2000 | kPresentWritable);             // PML4[1]: 512 GiB..1 TiB
    put64(0x2000 + 0 * 8, 0x3000 | kPresentWritable);             // PDPT[0]
    put64(0x2000 + 1 * 8, 0x40000000 | kPresentWritable | kLarge); // PDPT[1]: a 1 GiB page
    put64(0x3000 + 0 * 8, 0x4000 | kPresentWritable);             // PD[0]
    put64(0x3000 + 1 * 8, 0x600000 | kPresentWritable | kLarge);   // PD[1]: a 2 MiB page
    put64(0x4000 + 5 * 8, 0x9000 | kPresentWritable);             // PT[5]: 4 KiB
    put64(0x4000 + 6 * 8, 0x7000 | kPresentWritable);             // PT[6]: not after PT[5]'s frame
  }
  static constexpr uint64_t kBase = 1ull << 39;
};

TEST_CASE("page walk: long mode 4 KiB, 2 MiB and 1 GiB pages, and holes") {
  LongModeTables tables;
  auto read = tables.reader();
  CHECK(translate(tables.mode, LongModeTables::kBase + 0x5123, read) == 0x9123);
  CHECK(translate(tables.mode, LongModeTables::kBase + 0x200000 + 0x12345, read) == 0x600000 + 0x12345);
  CHECK(translate(tables.mode, LongModeTables::kBase + 0x40000000 + 0x123456, read) == 0x40123456);
  CHECK_FALSE(translate(tables.mode, 0x5123, read));                              // PML4[0] absent
  CHECK_FALSE(translate(tables.mode, LongModeTables::kBase + 0x7000, read));      // PT[7] absent
  CHECK_FALSE(translate(tables.mode, LongModeTables::kBase + (2ull << 30), read)); // PDPT[2] absent
}

TEST_CASE("page walk: a read across two pages follows both mappings") {
  LongModeTables tables;
  tables.put32(0x9FFC, 0xBBAA0000);  // the last two bytes of the PT[5] frame: AA BB
  tables.put32(0x7000, 0x0000DDCC);  // the first two of PT[6]'s: CC DD
  uint8_t out[4] = {};
  REQUIRE(read_virtual(tables.mode, LongModeTables::kBase + 0x5FFE, out, tables.reader()));
  CHECK(out[0] == 0xAA);
  CHECK(out[1] == 0xBB);
  CHECK(out[2] == 0xCC);
  CHECK(out[3] == 0xDD);
  CHECK_FALSE(read_virtual(tables.mode, LongModeTables::kBase + 0x6FFE, out, tables.reader()));  // PT[7] absent
}

TEST_CASE("page walk: no paging, 32-bit paging and PAE") {
  FakePhysical memory;
  auto read = memory.reader();
  SUBCASE("paging off: linear is physical") { CHECK(translate(PagingMode{}, 0xFFFFFFF0, read) == 0xFFFFFFF0); }
  SUBCASE("32-bit: a 4 KiB page and a 4 MiB page") {
    PagingMode mode{1ull << 31, 0x1000, 1ull << 4, 0};
    memory.put32(0x1000 + 1 * 4, 0x2000 | kPresentWritable);             // PDE[1]: 4..8 MiB
    memory.put32(0x2000 + 3 * 4, 0x5000 | kPresentWritable);             // PTE[3]
    memory.put32(0x1000 + 2 * 4, 0x00C00000 | kPresentWritable | kLarge); // PDE[2]: 4 MiB page
    CHECK(translate(mode, 0x403ABC, read) == 0x5ABC);
    CHECK(translate(mode, 0x812345, read) == 0xC12345);
    CHECK_FALSE(translate(mode, 0x1000, read));
  }
  SUBCASE("PAE: PDPT entry 1, a 2 MiB page") {
    PagingMode mode{1ull << 31, 0x1000, 1ull << 5, 0};
    memory.put64(0x1000 + 1 * 8, 0x2000 | 1);                            // PDPTE[1]: 1..2 GiB
    memory.put64(0x2000 + 3 * 8, 0x00A00000 | kPresentWritable | kLarge);  // PDE[3]
    CHECK(translate(mode, 0x40000000 + 3 * 0x200000 + 0x1234, read) == 0xA01234);
    CHECK_FALSE(translate(mode, 0x1234, read));
  }
}

} // namespace
} // namespace slotbox::debug
