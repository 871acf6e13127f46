#include "host/loader/multiboot.h"

#include "host/base/format.h"
#include "host/loader/input_file.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace slotbox::loader {
namespace {

// ELF32 (System V ABI, i386 supplement): the fields the loader reads.
constexpr uint8_t kElfMagic[4] = {0x7F, 'E', 'L', 'F'};
constexpr uint8_t kElfClass32 = 1, kElfLittleEndian = 1;
constexpr uint32_t kElfHeaderSize = 52, kProgramHeaderSize = 32;
constexpr uint32_t kPtLoad = 1;
struct ElfOffsets {
  static constexpr uint32_t kClass = 4, kData = 5, kEntry = 24, kPhoff = 28, kPhentsize = 42, kPhnum = 44;
};
struct PhdrOffsets {
  static constexpr uint32_t kType = 0, kOffset = 4, kPaddr = 12, kFilesz = 16, kMemsz = 20;
};

// Where the PC has RAM below 4 GiB (docs/design.md §3): conventional memory, then from 1 MiB.
constexpr uint64_t kConventionalEnd = 0xA0000;
// SeaBIOS keeps its extended BIOS data area in the last KiB of conventional memory and
// marks it reserved; QEMU's multiboot loader then reports 639 KiB of lower memory.
constexpr uint64_t kEbdaStart = 0x9FC00;
constexpr uint64_t kExtendedStart = 0x100000;
constexpr uint64_t kFourGiB = 1ull << 32;
constexpr uint64_t kPage = 4096;

uint32_t read32(std::span<const uint8_t> bytes, uint64_t offset) {
  uint32_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}
uint16_t read16(std::span<const uint8_t> bytes, uint64_t offset) {
  uint16_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}
void write32(std::vector<uint8_t>& bytes, uint64_t offset, uint32_t value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}
void write64(std::vector<uint8_t>& bytes, uint64_t offset, uint64_t value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

// The header's offset, or -1: 4-byte aligned, in the first 8 KiB (§3.1.2).
int64_t find_header(std::span<const uint8_t> bytes) {
  uint64_t limit = std::min<uint64_t>(bytes.size(), kMultibootSearchLimit);
  for (uint64_t offset = 0; offset + 12 <= limit; offset += 4)
    if (read32(bytes, offset) == kMultibootHeaderMagic) return static_cast<int64_t>(offset);
  return -1;
}

Error bad(const std::string& name, const std::string& reason) { return Error::bad_input("kernel " + name, reason); }

std::string describe(const LoadSegment& segment) {
  return "segment " + hex(segment.address) + "-" + hex(segment.address + segment.memory_size - 1);
}

Result<std::vector<LoadSegment>> read_segments(const std::string& name, std::span<const uint8_t> bytes) {
  uint32_t phoff = read32(bytes, ElfOffsets::kPhoff);
  uint16_t phentsize = read16(bytes, ElfOffsets::kPhentsize);
  uint16_t phnum = read16(bytes, ElfOffsets::kPhnum);
  if (phentsize < kProgramHeaderSize)
    return fail(bad(name, "ELF e_phentsize " + std::to_string(phentsize) + " is smaller than 32"));
  if (uint64_t{phoff} + uint64_t{phentsize} * phnum > bytes.size())
    return fail(bad(name, "truncated: program headers end past the file's " + std::to_string(bytes.size()) + " bytes"));
  std::vector<LoadSegment> segments;
  for (uint32_t i = 0; i < phnum; ++i) {
    uint64_t header = phoff + uint64_t{phentsize} * i;
    if (read32(bytes, header + PhdrOffsets::kType) != kPtLoad) continue;
    LoadSegment segment{i, read32(bytes, header + PhdrOffsets::kPaddr), read32(bytes, header + PhdrOffsets::kFilesz),
                        read32(bytes, header + PhdrOffsets::kMemsz), read32(bytes, header + PhdrOffsets::kOffset)};
    std::string where = "program header " + std::to_string(i) + ": ";
    if (segment.file_size > segment.memory_size)
      return fail(bad(name, where + "p_filesz " + hex(segment.file_size) + " exceeds p_memsz " + hex(segment.memory_size)));
    if (segment.file_offset + segment.file_size > bytes.size())
      return fail(bad(name, "truncated: " + where + "file bytes " + hex(segment.file_offset) + "+" +
                                hex(segment.file_size) + " end past the file's " + std::to_string(bytes.size()) + " bytes"));
    if (segment.memory_size == 0) continue;
    if (segment.address + segment.memory_size > kFourGiB)
      return fail(bad(name, where + describe(segment) + " ends above 4 GiB"));
    for (const auto& other : segments)
      if (segment.address < other.address + other.memory_size && other.address < segment.address + segment.memory_size)
        return fail(bad(name, where + describe(segment) + " overlaps segment " + std::to_string(other.index)));
    segments.push_back(segment);
  }
  if (segments.empty()) return fail(bad(name, "no PT_LOAD program header with memory"));
  return segments;
}

} // namespace

bool MultibootKernel::has_header(std::span<const uint8_t> bytes) { return find_header(bytes) >= 0; }

Result<MultibootKernel> MultibootKernel::from_bytes(std::string name, std::vector<uint8_t> bytes) {
  int64_t header = find_header(bytes);
  if (header < 0) return fail(bad(name, "no multiboot header (magic 0x1badb002) in the first 8 KiB"));
  uint32_t flags = read32(bytes, header + 4);
  uint32_t checksum = read32(bytes, header + 8);
  if (kMultibootHeaderMagic + flags + checksum != 0)
    return fail(bad(name, "bad multiboot checksum " + hex(checksum) + " at offset " + hex(header) +
                              " (magic + flags " + hex(flags) + " + checksum must be 0)"));
  if (bytes.size() < kElfHeaderSize)
    return fail(bad(name, "truncated: " + std::to_string(bytes.size()) + " bytes is less than an ELF header"));
  if (std::memcmp(bytes.data(), kElfMagic, sizeof kElfMagic) != 0)
    return fail(bad(name, "bad ELF magic (only ELF multiboot kernels are supported)"));
  if (bytes[ElfOffsets::kClass] != kElfClass32)
    return fail(bad(name, "ELF class " + std::to_string(bytes[ElfOffsets::kClass]) + " is not ELFCLASS32"));
  if (bytes[ElfOffsets::kData] != kElfLittleEndian)
    return fail(bad(name, "ELF data encoding " + std::to_string(bytes[ElfOffsets::kData]) + " is not little-endian"));
  MultibootKernel kernel;
  kernel.m_segments = SLOTBOX_TRY(read_segments(name, bytes));
  kernel.m_entry = read32(bytes, ElfOffsets::kEntry);
  kernel.m_name = std::move(name);
  kernel.m_bytes = std::move(bytes);
  return kernel;
}

Result<MultibootKernel> MultibootKernel::from_file(const std::string& path) {
  return from_bytes(path, SLOTBOX_TRY(read_input_file("kernel " + path, path, kMaxKernelSize)));
}

uint64_t MultibootKernel::end() const {
  uint64_t end = 0;
  for (const auto& segment : m_segments) end = std::max(end, segment.address + segment.memory_size);
  return end;
}

Result<MultibootBoot> plan_multiboot(const MultibootKernel& kernel, const MultibootMemory& memory,
                                     const MultibootOptions& options) {
  MultibootBoot boot{{}, kernel.entry(), 0};
  for (const auto& segment : kernel.segments()) {
    uint64_t end = segment.address + segment.memory_size;
    bool conventional = end <= kConventionalEnd;
    bool extended = segment.address >= kExtendedStart && end <= memory.low_ram;
    if (!conventional && !extended)
      return fail(bad(kernel.name(), "program header " + std::to_string(segment.index) + ": " + describe(segment) +
                                         (segment.address < kExtendedStart && end > kConventionalEnd
                                              ? " is over the VGA/option-ROM/BIOS area 0xa0000-0xfffff"
                                              : " is outside guest RAM (low RAM ends at " + hex(memory.low_ram) + ")")));
    auto file = kernel.bytes().subspan(segment.file_offset, segment.file_size);
    boot.writes.push_back({segment.address, {file.begin(), file.end()}, segment.memory_size - segment.file_size});
  }

  // The info block, then what it points at: memory map, command line, module strings
  // and list; then each module on its own page.
  std::string cmdline = kernel.name();
  if (!options.append.empty()) cmdline += " " + options.append;
  struct MapEntry { uint64_t base, length; uint32_t type; };
  std::vector<MapEntry> map{{0, kEbdaStart, kMemoryAvailable},
                            {kEbdaStart, kConventionalEnd - kEbdaStart, kMemoryReserved},
                            {kExtendedStart, memory.low_ram - kExtendedStart, kMemoryAvailable}};
  if (memory.high_ram) map.push_back({kFourGiB, memory.high_ram, kMemoryAvailable});
  constexpr uint32_t kMapEntrySize = 24, kModuleEntrySize = 16;

  uint64_t info = align_up(std::max(kernel.end(), kExtendedStart), kPage);
  uint64_t map_at = MultibootInfoOffsets::kSize;
  uint64_t cmdline_at = map_at + map.size() * kMapEntrySize;
  uint64_t strings_at = cmdline_at + cmdline.size() + 1;
  uint64_t size = strings_at;
  std::vector<uint64_t> string_offsets;
  for (const auto& module : options.modules) {
    string_offsets.push_back(size);
    size += module.name.size() + 1;
  }
  uint64_t modules_at = align_up(size, 16);
  size = modules_at + options.modules.size() * kModuleEntrySize;

  std::vector<uint8_t> block(size, 0);
  write32(block, MultibootInfoOffsets::kFlags, kInfoMemory | kInfoBootDevice | kInfoCmdline | kInfoModules | kInfoMemoryMap);
  write32(block, MultibootInfoOffsets::kMemLower, kEbdaStart / 1024);
  write32(block, MultibootInfoOffsets::kMemUpper, static_cast<uint32_t>((memory.low_ram - kExtendedStart) / 1024));
  write32(block, MultibootInfoOffsets::kBootDevice, 0x8000FFFF);  // as QEMU: first BIOS disk, no partition
  write32(block, MultibootInfoOffsets::kCmdline, static_cast<uint32_t>(info + cmdline_at));
  write32(block, MultibootInfoOffsets::kModsCount, static_cast<uint32_t>(options.modules.size()));
  write32(block, MultibootInfoOffsets::kModsAddr, static_cast<uint32_t>(info + modules_at));
  write32(block, MultibootInfoOffsets::kMmapLength, static_cast<uint32_t>(map.size() * kMapEntrySize));
  write32(block, MultibootInfoOffsets::kMmapAddr, static_cast<uint32_t>(info + map_at));
  for (size_t i = 0; i < map.size(); ++i) {
    uint64_t at = map_at + i * kMapEntrySize;
    write32(block, at, kMapEntrySize - 4);  // size: of the entry after this field
    write64(block, at + 4, map[i].base);
    write64(block, at + 12, map[i].length);
    write32(block, at + 20, map[i].type);
  }
  std::copy(cmdline.begin(), cmdline.end(), block.begin() + cmdline_at);
  uint64_t next = align_up(info + size, kPage);
  for (size_t i = 0; i < options.modules.size(); ++i) {
    const auto& module = options.modules[i];
    std::copy(module.name.begin(), module.name.end(), block.begin() + string_offsets[i]);
    uint64_t entry = modules_at + i * kModuleEntrySize;
    write32(block, entry, static_cast<uint32_t>(next));
    write32(block, entry + 4, static_cast<uint32_t>(next + module.bytes.size()));
    write32(block, entry + 8, static_cast<uint32_t>(info + string_offsets[i]));
    if (next + module.bytes.size() > memory.low_ram)
      return fail(bad(kernel.name(), "module " + std::to_string(i) + " (" + module.name + ", " +
                                         std::to_string(module.bytes.size()) + " bytes) does not fit below " +
                                         hex(memory.low_ram)));
    boot.writes.push_back({next, module.bytes});
    next = align_up(next + module.bytes.size(), kPage);
  }
  if (info + size > memory.low_ram)
    return fail(bad(kernel.name(), "the multiboot info block at " + hex(info) + " does not fit below " + hex(memory.low_ram)));
  boot.writes.push_back({info, std::move(block)});
  boot.info_address = static_cast<uint32_t>(info);
  return boot;
}

} // namespace slotbox::loader
