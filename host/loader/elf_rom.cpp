#include "host/loader/elf_rom.h"

#include "host/base/format.h"

#include <algorithm>
#include <cstring>
#include <elf.h>

namespace slotbox::loader {
namespace {

constexpr uint64_t kFourGiB = 1ull << 32;
constexpr uint64_t kRomWindow = 16ull << 20;  // RomImage::kMaxSize: the BIOS's place under 4 GiB
constexpr uint64_t kRomUnit = 64 * 1024;

Error bad(const std::string& name, const std::string& reason) { return Error::bad_input("image " + name, reason); }

bool in_rom_window(const Elf64_Phdr& segment) {
  return segment.p_type == PT_LOAD && segment.p_filesz > 0 && segment.p_paddr >= kFourGiB - kRomWindow &&
         segment.p_paddr < kFourGiB;
}

} // namespace

bool is_elf(std::span<const uint8_t> bytes) {
  return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

Result<std::vector<uint8_t>> rom_from_elf(const std::string& name, std::span<const uint8_t> bytes) {
  Elf64_Ehdr header;
  if (bytes.size() < sizeof header) return fail(bad(name, "ELF file shorter than its header"));
  std::memcpy(&header, bytes.data(), sizeof header);
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_machine != EM_X86_64)
    return fail(bad(name, "not a 64-bit x86 ELF (a slotbox image's ELF is build/images/elf/NAME.elf)"));
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phoff > bytes.size() ||
      uint64_t{header.e_phnum} * sizeof(Elf64_Phdr) > bytes.size() - header.e_phoff)
    return fail(bad(name, "ELF program headers lie outside the file"));

  std::vector<Elf64_Phdr> segments;
  for (uint16_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, bytes.data() + header.e_phoff + i * sizeof segment, sizeof segment);
    if (!in_rom_window(segment)) continue;
    if (segment.p_offset > bytes.size() || segment.p_filesz > bytes.size() - segment.p_offset)
      return fail(bad(name, "ELF segment " + std::to_string(i) + " lies outside the file"));
    if (segment.p_filesz > kFourGiB - segment.p_paddr)
      return fail(bad(name, "ELF segment " + std::to_string(i) + " runs past 4 GiB"));
    segments.push_back(segment);
  }
  if (segments.empty())
    return fail(bad(name, "ELF has no segment loaded in the 16 MiB under 4 GiB: not a ROM image's ELF"));

  uint64_t base = std::min_element(segments.begin(), segments.end(), [](const auto& a, const auto& b) {
                    return a.p_paddr < b.p_paddr;
                  })->p_paddr;
  if ((kFourGiB - base) % kRomUnit != 0)
    return fail(bad(name, "ELF's ROM segments start at " + hex(base) + ", not a multiple of 64 KiB below 4 GiB"));
  std::vector<uint8_t> rom(kFourGiB - base, 0);
  for (const auto& segment : segments)
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(segment.p_offset), segment.p_filesz,
                rom.begin() + static_cast<std::ptrdiff_t>(segment.p_paddr - base));
  return rom;
}

} // namespace slotbox::loader
