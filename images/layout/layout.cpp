// layout: the PC memory map as the guest sees it. RAM answers at 4 KiB, 1 MiB, the end of
// low RAM, 4 GiB and the end of high RAM (sizes from the CMOS); the BIOS ROM sits under
// 4 GiB and its last 128 KiB (or all of it) again under 1 MiB.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("layout");

// Defined on the link line (cmake/GuestImage.cmake): the symbol's address is the size.
extern "C" const char ROM_SIZE[];

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kFourGiB = 1ull << 32;
constexpr uint64_t kOneMiB = 1 << 20;
constexpr uint64_t kIsaBiosMaxSize = 128 * 1024;
constexpr uint8_t kCli = 0xFA;  // the reset vector's first instruction (reset16.asm)
// Nothing answers here on QEMU's pc -nodefaults: the hole just above low RAM, and a port
// of the (absent) parallel/secondary-IDE range.
constexpr uint64_t kHoleOffset = 0x1000;
constexpr uint16_t kUnassignedPort = 0x2F0;

// Writes two patterns over the page (first and last quadword and one in the middle),
// reads them back and restores what was there.
bool page_holds_patterns(uint64_t address) {
  volatile uint64_t* page = reinterpret_cast<volatile uint64_t*>(address);
  const uint64_t offsets[] = {0, kPage / 16, kPage / 8 - 1};
  const uint64_t patterns[] = {0x5A5AA5A5DEADBEEFull, 0x0123456789ABCDEFull ^ address};
  bool ok = true;
  for (uint64_t pattern : patterns) {
    uint64_t saved[3];
    for (int i = 0; i < 3; ++i) {
      saved[i] = page[offsets[i]];
      page[offsets[i]] = pattern + i;
    }
    for (int i = 0; i < 3; ++i) ok = ok && page[offsets[i]] == pattern + i;
    for (int i = 0; i < 3; ++i) page[offsets[i]] = saved[i];
  }
  return ok;
}

bool bytes_equal(uint64_t a, uint64_t b, uint64_t size, uint64_t& first_difference) {
  auto* left = reinterpret_cast<const volatile uint8_t*>(a);
  auto* right = reinterpret_cast<const volatile uint8_t*>(b);
  for (uint64_t i = 0; i < size; ++i) {
    if (left[i] != right[i]) {
      first_difference = i;
      return false;
    }
  }
  return true;
}

} // namespace

void image_main() {
  CmosMemory cmos = read_cmos_memory();
  uint64_t low = cmos.low_ram();
  uint64_t high = cmos.high_ram();
  print("# CMOS: low RAM 0x%lx, high RAM 0x%lx\n", low, high);

  // Page 0 is RAM too, but the runtime leaves it unmapped (a null pointer must fault):
  // the first page the guest can reach is the next one.
  CHECK(page_holds_patterns(kPage), "RAM at 0x1000");
  CHECK(page_holds_patterns(kOneMiB), "RAM at 1 MiB");
  CHECK(page_holds_patterns(low - kPage), "RAM in the last page below low end 0x%lx", low);
  if (high) {
    CHECK(page_holds_patterns(kFourGiB), "RAM at 4 GiB (high RAM 0x%lx)", high);
    CHECK(page_holds_patterns(kFourGiB + high - kPage), "RAM in the last page of high RAM 0x%lx",
          kFourGiB + high - kPage);
  } else {
    SKIP("no RAM above 4 GiB with this --ram", "RAM at 4 GiB");
    SKIP("no RAM above 4 GiB with this --ram", "RAM in the last page of high RAM");
  }

  // QEMU answers unassigned memory with 0 and unassigned ports with all ones.
  uint64_t hole = low + kHoleOffset;
  uint32_t before = mmio_read<uint32_t>(hole);
  mmio_write<uint32_t>(hole, 0x12345678);
  uint32_t after = mmio_read<uint32_t>(hole);
  CHECK(before == 0 && after == 0, "the MMIO hole at 0x%lx reads 0 and drops writes (0x%x, then 0x%x)",
        hole, before, after);
  uint32_t port_byte = inb(kUnassignedPort), port_word = inw(kUnassignedPort), port_dword = inl(kUnassignedPort);
  CHECK(port_byte == 0xFF && port_word == 0xFFFF && port_dword == 0xFFFFFFFF,
        "unassigned port 0x%x reads all ones (0x%x, 0x%x, 0x%x)", kUnassignedPort, port_byte, port_word,
        port_dword);

  uint64_t rom_size = reinterpret_cast<uint64_t>(ROM_SIZE);
  uint64_t rom_base = kFourGiB - rom_size;
  const auto* header = reinterpret_cast<const abi::ImageHeader*>(rom_base);
  uint64_t ignored;
  CHECK(bytes_equal(reinterpret_cast<uint64_t>(header->magic), reinterpret_cast<uint64_t>(abi::kImageMagic),
                    sizeof header->magic, ignored),
        "the image header is at 4 GiB - ROM size (0x%lx)", rom_base);
  CHECK_EQ(mmio_read<uint8_t>(kFourGiB - 16), kCli, "the reset vector at 0xfffffff0 starts with cli");

  uint64_t isa_size = rom_size < kIsaBiosMaxSize ? rom_size : kIsaBiosMaxSize;
  uint64_t isa_base = kOneMiB - isa_size;
  uint64_t difference = 0;
  bool same = bytes_equal(isa_base, kFourGiB - isa_size, isa_size, difference);
  CHECK(same, "isa-bios at 0x%lx equals the last 0x%lx bytes of the BIOS", isa_base, isa_size);
  if (!same) print("# first difference at isa-bios + 0x%lx\n", difference);
}
