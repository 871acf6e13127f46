// readonly: the BIOS, the option-ROM area and the isa-bios alias are read-only KVM slots.
// Reads cause no exit; every write of 1, 2, 4 or 8 bytes, and each byte of a `rep movsb`,
// comes back to the host as an MMIO write exit at exactly that address (host assist
// counts them) and leaves the contents unchanged; code in the ROM runs.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("readonly");

extern "C" const char ROM_SIZE[];
extern "C" int rom_answer();  // rom_code.asm, in the ROM

namespace {

constexpr uint64_t kFourGiB = 1ull << 32;
constexpr uint64_t kOptionRom = 0xC0000;
constexpr uint64_t kIsaBios = 0xE0000;
constexpr uint64_t kProbeOffset = 0x800;  // inside each area, away from anything the boot uses
constexpr unsigned kStringBytes = 16;

struct Area {
  const char* name;
  uint64_t base;
};

uint64_t mmio_writes(uint64_t start, uint64_t end) {
  return host_exit_count(abi::ExitKind::kMmio, start, end).value[1];
}
uint64_t mmio_reads(uint64_t start, uint64_t end) {
  return host_exit_count(abi::ExitKind::kMmio, start, end).value[0];
}

void check_reads_do_not_exit(const Area& area) {
  uint64_t before = mmio_reads(area.base, area.base + 0x10000);
  uint64_t sum = 0;
  for (uint64_t offset = 0; offset < 0x1000; offset += 8) sum += mmio_read<uint64_t>(area.base + offset);
  uint64_t after = mmio_reads(area.base, area.base + 0x10000);
  CHECK_EQ(after - before, 0, "%s: 512 reads cause no exit (checksum 0x%lx)", area.name, sum);
}

template <typename T>
void check_write_traps(const Area& area, uint64_t address) {
  T before = mmio_read<T>(address);
  bool host = host_present();
  uint64_t exits_before = host ? mmio_writes(address, address + sizeof(T)) : 0;
  uint64_t all_before = host ? mmio_writes(area.base, area.base + 0x20000) : 0;
  mmio_write<T>(address, static_cast<T>(~before));
  CHECK_EQ(mmio_read<T>(address), before, "%s: %zu-byte write at 0x%lx leaves it unchanged", area.name,
           sizeof(T), address);
  if (!host) return SKIP(kNoHostAssist, "%s: %zu-byte write is one MMIO exit", area.name, sizeof(T));
  uint64_t exits = mmio_writes(address, address + sizeof(T)) - exits_before;
  uint64_t all = mmio_writes(area.base, area.base + 0x20000) - all_before;
  CHECK(exits == 1 && all == 1, "%s: %zu-byte write is one MMIO exit at 0x%lx (%lu there, %lu in the area)",
        area.name, sizeof(T), address, exits, all);
}

void check_string_write_traps(const Area& area, uint64_t address) {
  uint8_t before[kStringBytes], source[kStringBytes];
  for (unsigned i = 0; i < kStringBytes; ++i) {
    before[i] = mmio_read<uint8_t>(address + i);
    source[i] = static_cast<uint8_t>(~before[i]);
  }
  bool host = host_present();
  uint64_t exits_before = host ? mmio_writes(address, address + kStringBytes) : 0;
  const uint8_t* from = source;
  uint8_t* to = reinterpret_cast<uint8_t*>(address);
  uint64_t count = kStringBytes;
  asm volatile("rep movsb" : "+S"(from), "+D"(to), "+c"(count) : : "memory");
  bool unchanged = true;
  for (unsigned i = 0; i < kStringBytes; ++i) unchanged = unchanged && mmio_read<uint8_t>(address + i) == before[i];
  CHECK(unchanged, "%s: rep movsb of %u bytes at 0x%lx leaves it unchanged", area.name, kStringBytes, address);
  if (!host) return SKIP(kNoHostAssist, "%s: rep movsb traps every byte", area.name);
  uint64_t exits = mmio_writes(address, address + kStringBytes) - exits_before;
  CHECK_EQ(exits, kStringBytes, "%s: rep movsb is one MMIO write exit per byte, all at 0x%lx..", area.name, address);
}

// The ROM is 4 GiB away from the payload: beyond a rel32 call, so take its 64-bit address.
using RomFunction = int (*)();
RomFunction rom_function() {
  RomFunction function;
  asm("movabs $rom_answer, %0" : "=r"(function));
  return function;
}

} // namespace

void image_main() {
  uint64_t rom_size = reinterpret_cast<uint64_t>(ROM_SIZE);
  const Area areas[] = {{"BIOS", kFourGiB - rom_size}, {"pc.rom", kOptionRom}, {"isa-bios", kIsaBios}};
  for (const Area& area : areas) {
    if (host_present()) check_reads_do_not_exit(area);
    else SKIP(kNoHostAssist, "%s: reads cause no exit", area.name);
    uint64_t probe = area.base + kProbeOffset;
    check_write_traps<uint8_t>(area, probe);
    check_write_traps<uint16_t>(area, probe + 0x10);
    check_write_traps<uint32_t>(area, probe + 0x20);
    check_write_traps<uint64_t>(area, probe + 0x40);
    check_string_write_traps(area, probe + 0x80);
  }
  RomFunction function = rom_function();
  CHECK_EQ(function(), 0x2A, "code fetched from the ROM at %p runs", reinterpret_cast<void*>(function));
}
