#include "host/loader/multiboot.h"

#include <doctest/doctest.h>

#include <cstring>

using namespace slotbox;
using namespace slotbox::loader;

namespace {

struct Segment {
  uint32_t type = 1;  // PT_LOAD
  uint32_t address;
  std::vector<uint8_t> file;
  uint32_t memory_size;
};

void put32(std::vector<uint8_t>& bytes, size_t offset, uint32_t value) { std::memcpy(&bytes[offset], &value, 4); }
void put16(std::vector<uint8_t>& bytes, size_t offset, uint16_t value) { std::memcpy(&bytes[offset], &value, 2); }
uint32_t get32(const std::vector<uint8_t>& bytes, size_t offset) {
  uint32_t value;
  std::memcpy(&value, &bytes[offset], 4);
  return value;
}
uint64_t get64(const std::vector<uint8_t>& bytes, size_t offset) {
  uint64_t value;
  std::memcpy(&value, &bytes[offset], 8);
  return value;
}

// An ELF32 kernel as kvm-unit-tests' are laid out: ELF header, program headers, the
// multiboot header, then each segment's file bytes.
std::vector<uint8_t> make_kernel(const std::vector<Segment>& segments, uint32_t entry = 0x400000) {
  constexpr size_t kPhoff = 52, kMultiboot = 0x100, kData = 0x200;
  std::vector<uint8_t> bytes(kData, 0);
  const uint8_t ident[] = {0x7F, 'E', 'L', 'F', 1, 1, 1};
  std::memcpy(bytes.data(), ident, sizeof ident);
  put16(bytes, 16, 2);  // ET_EXEC
  put16(bytes, 18, 3);  // EM_386
  put32(bytes, 24, entry);
  put32(bytes, 28, kPhoff);
  put16(bytes, 40, 52);
  put16(bytes, 42, 32);
  put16(bytes, 44, static_cast<uint16_t>(segments.size()));
  put32(bytes, kMultiboot, kMultibootHeaderMagic);
  put32(bytes, kMultiboot + 4, 0x10003);
  put32(bytes, kMultiboot + 8, uint32_t(0) - kMultibootHeaderMagic - 0x10003);
  for (size_t i = 0; i < segments.size(); ++i) {
    size_t header = kPhoff + 32 * i;
    put32(bytes, header, segments[i].type);
    put32(bytes, header + 4, static_cast<uint32_t>(bytes.size()));
    put32(bytes, header + 8, segments[i].address);
    put32(bytes, header + 12, segments[i].address);
    put32(bytes, header + 16, static_cast<uint32_t>(segments[i].file.size()));
    put32(bytes, header + 20, segments[i].memory_size);
    bytes.insert(bytes.end(), segments[i].file.begin(), segments[i].file.end());
  }
  return bytes;
}

std::vector<uint8_t> good_kernel() {
  return make_kernel({{1, 0x400000, {0xF4, 0xEB, 0xFD}, 0x10}, {1, 0x401000, {1, 2, 3, 4}, 0x3000}});
}

constexpr MultibootMemory kMemory{0xC0000000, 0x40000000};  // --ram 4G

std::string refusal(std::vector<uint8_t> bytes, const MultibootMemory& memory = kMemory) {
  auto kernel = MultibootKernel::from_bytes("x.flat", std::move(bytes));
  if (!kernel) {
    CHECK(kernel.error().kind == ErrorKind::kBadInput);
    return kernel.error().message();
  }
  auto boot = plan_multiboot(*kernel, memory, {});
  if (boot) return "accepted";
  CHECK(boot.error().kind == ErrorKind::kBadInput);
  return boot.error().message();
}

const GuestWrite* write_at(const MultibootBoot& boot, uint64_t address) {
  for (const auto& write : boot.writes)
    if (write.address == address) return &write;
  return nullptr;
}

} // namespace

TEST_CASE("a multiboot header is recognised only in the first 8 KiB") {
  CHECK(MultibootKernel::has_header(good_kernel()));
  std::vector<uint8_t> rom(64 * 1024, 0);
  CHECK_FALSE(MultibootKernel::has_header(rom));
  put32(rom, 8192, kMultibootHeaderMagic);
  CHECK_FALSE(MultibootKernel::has_header(rom));
  put32(rom, 8180, kMultibootHeaderMagic);  // all 12 bytes inside
  CHECK(MultibootKernel::has_header(rom));
}

TEST_CASE("a good kernel: segments as their file bytes and zeroed tails, entry, info block after the end") {
  auto kernel = MultibootKernel::from_bytes("x.flat", good_kernel());
  REQUIRE(kernel);
  CHECK(kernel->entry() == 0x400000);
  REQUIRE(kernel->segments().size() == 2);
  CHECK(kernel->end() == 0x404000);
  auto boot = plan_multiboot(*kernel, kMemory, {});
  REQUIRE(boot);
  CHECK(boot->entry == 0x400000);
  CHECK(boot->info_address == 0x404000);
  const GuestWrite* text = write_at(*boot, 0x400000);
  REQUIRE(text);
  CHECK(text->bytes == std::vector<uint8_t>{0xF4, 0xEB, 0xFD});
  CHECK(text->zero_size == 0x10 - 3);
  const GuestWrite* data = write_at(*boot, 0x401000);
  REQUIRE(data);
  CHECK(data->bytes == std::vector<uint8_t>{1, 2, 3, 4});
  CHECK(data->size() == 0x3000);
}

TEST_CASE("a segment's zeroed tail costs no host memory: the plan holds only what the file gave") {
  // 4 file bytes and 2 GiB of .bss: a buffer of p_memsz would hold 2 GiB on the host.
  auto kernel = MultibootKernel::from_bytes("x.flat", make_kernel({{1, 0x400000, {1, 2, 3, 4}, 0x80000000}}));
  REQUIRE(kernel);
  auto boot = plan_multiboot(*kernel, kMemory, {});
  REQUIRE(boot);
  uint64_t held = 0;
  for (const auto& write : boot->writes) held += write.bytes.size();
  CHECK(held < 64 * 1024);  // the segment's 4 bytes and the info block
  const GuestWrite* segment = write_at(*boot, 0x400000);
  REQUIRE(segment);
  CHECK(segment->bytes == std::vector<uint8_t>{1, 2, 3, 4});
  CHECK(segment->size() == 0x80000000);
}

TEST_CASE("the info block: flags, memory sizes, command line, memory map, modules") {
  auto kernel = MultibootKernel::from_bytes("x.flat", good_kernel());
  REQUIRE(kernel);
  MultibootOptions options{"-f foo", {{"env.txt", {'A', '=', '1', '\n'}}}};
  auto boot = plan_multiboot(*kernel, kMemory, options);
  REQUIRE(boot);
  const GuestWrite* info = write_at(*boot, boot->info_address);
  REQUIRE(info);
  const auto& block = info->bytes;
  using O = MultibootInfoOffsets;
  uint32_t flags = get32(block, O::kFlags);
  CHECK((flags & kInfoMemory));
  CHECK((flags & kInfoCmdline));
  CHECK((flags & kInfoModules));
  CHECK((flags & kInfoMemoryMap));
  CHECK(get32(block, O::kMemLower) == 639);  // as QEMU: SeaBIOS's EBDA takes the last KiB
  CHECK(get32(block, O::kMemUpper) == (0xC0000000u - 0x100000u) / 1024);
  auto at = [&](uint32_t address) { return address - boot->info_address; };
  CHECK(std::string(reinterpret_cast<const char*>(&block[at(get32(block, O::kCmdline))])) == "x.flat -f foo");

  SUBCASE("memory map: conventional, the EBDA reserved, extended, above 4 GiB") {
    REQUIRE(get32(block, O::kMmapLength) == 4 * 24);
    uint32_t map = at(get32(block, O::kMmapAddr));
    const uint64_t expected[4][3] = {{0, 0x9FC00, kMemoryAvailable},
                                     {0x9FC00, 0x400, kMemoryReserved},
                                     {0x100000, 0xC0000000 - 0x100000, kMemoryAvailable},
                                     {1ull << 32, 0x40000000, kMemoryAvailable}};
    for (int i = 0; i < 4; ++i) {
      CAPTURE(i);
      CHECK(get32(block, map + 24 * i) == 20);
      CHECK(get64(block, map + 24 * i + 4) == expected[i][0]);
      CHECK(get64(block, map + 24 * i + 12) == expected[i][1]);
      CHECK(get32(block, map + 24 * i + 20) == expected[i][2]);
    }
    // mem_lower and mem_upper are the available ranges at 0 and at 1 MiB, in KiB.
    CHECK(get32(block, O::kMemLower) * 1024ull == expected[0][1]);
    CHECK(get32(block, O::kMemUpper) * 1024ull == expected[2][1]);
  }
  SUBCASE("module 0: the initrd on its own page, with its name") {
    REQUIRE(get32(block, O::kModsCount) == 1);
    uint32_t module = at(get32(block, O::kModsAddr));
    uint32_t start = get32(block, module), end = get32(block, module + 4);
    CHECK(start % 4096 == 0);
    CHECK(start >= boot->info_address + block.size());
    CHECK(end - start == 4);
    CHECK(std::string(reinterpret_cast<const char*>(&block[at(get32(block, module + 8))])) == "env.txt");
    const GuestWrite* data = write_at(*boot, start);
    REQUIRE(data);
    CHECK(data->bytes == std::vector<uint8_t>{'A', '=', '1', '\n'});
  }
  SUBCASE("no high RAM: three map entries") {
    auto small = plan_multiboot(*kernel, {0x20000000, 0}, {});
    REQUIRE(small);
    CHECK(get32(write_at(*small, small->info_address)->bytes, O::kMmapLength) == 3 * 24);
  }
}

TEST_CASE("bad kernels are refused naming the field") {
  SUBCASE("bad ELF magic") {
    auto bytes = good_kernel();
    bytes[1] = 'X';
    CHECK(refusal(bytes) == "kernel x.flat: bad ELF magic (only ELF multiboot kernels are supported)");
  }
  SUBCASE("64-bit ELF") {
    auto bytes = good_kernel();
    bytes[4] = 2;
    CHECK(refusal(bytes) == "kernel x.flat: ELF class 2 is not ELFCLASS32");
  }
  SUBCASE("bad multiboot checksum") {
    auto bytes = good_kernel();
    put32(bytes, 0x108, 0);
    CHECK(refusal(bytes).starts_with("kernel x.flat: bad multiboot checksum 0x0 at offset 0x100"));
  }
  SUBCASE("no multiboot header") {
    auto bytes = good_kernel();
    put32(bytes, 0x100, 0);
    CHECK(refusal(bytes) == "kernel x.flat: no multiboot header (magic 0x1badb002) in the first 8 KiB");
  }
  SUBCASE("overlapping segments") {
    auto bytes = make_kernel({{1, 0x400000, {1}, 0x2000}, {2, 0, {}, 0}, {1, 0x401000, {2}, 0x1000}});
    CHECK(refusal(bytes) == "kernel x.flat: program header 2: segment 0x401000-0x401fff overlaps segment 0");
  }
  SUBCASE("a segment over the BIOS area") {
    auto bytes = make_kernel({{1, 0xF0000, {1}, 0x1000}});
    CHECK(refusal(bytes) ==
          "kernel x.flat: program header 0: segment 0xf0000-0xf0fff is over the VGA/option-ROM/BIOS area 0xa0000-0xfffff");
  }
  SUBCASE("a segment outside guest RAM") {
    auto bytes = make_kernel({{1, 0x1FFFF000, {1}, 0x2000}});
    CHECK(refusal(bytes, {0x20000000, 0}) ==
          "kernel x.flat: program header 0: segment 0x1ffff000-0x20000fff is outside guest RAM (low RAM ends at 0x20000000)");
  }
  SUBCASE("a segment above 4 GiB") {
    auto bytes = make_kernel({{1, 0xFFFFF000, {1}, 0x2000}});
    CHECK(refusal(bytes) == "kernel x.flat: program header 0: segment 0xfffff000-0x100000fff ends above 4 GiB");
  }
  SUBCASE("file bytes past the end") {
    auto bytes = good_kernel();
    bytes.resize(bytes.size() - 1);
    CHECK(refusal(bytes).starts_with("kernel x.flat: truncated: program header 1: file bytes"));
  }
  SUBCASE("program headers past the end") {
    auto bytes = good_kernel();
    put16(bytes, 44, 400);
    CHECK(refusal(bytes).starts_with("kernel x.flat: truncated: program headers end past the file's"));
  }
  SUBCASE("p_filesz larger than p_memsz") {
    auto bytes = make_kernel({{1, 0x400000, {1, 2, 3}, 2}});
    CHECK(refusal(bytes) == "kernel x.flat: program header 0: p_filesz 0x3 exceeds p_memsz 0x2");
  }
  SUBCASE("no loadable segment") {
    auto bytes = make_kernel({{2, 0x400000, {1}, 1}});
    CHECK(refusal(bytes) == "kernel x.flat: no PT_LOAD program header with memory");
  }
  SUBCASE("an info block that does not fit") {
    auto bytes = make_kernel({{1, 0x100000, {1}, 0x1FF00000}});
    CHECK(refusal(bytes, {0x20000000, 0}).starts_with("kernel x.flat: the multiboot info block at 0x20000000 does not fit"));
  }
}
