#include "host/debug/page_walk.h"

#include <algorithm>
#include <cstring>

namespace slotbox::debug {
namespace {

// SDM vol. 3A: CR0.PG (2.5), CR4.PSE/PAE/LA57 (2.5), EFER.LMA (2.2.1), and the entry bits
// of table 4-6 ff.
constexpr uint64_t kCr0Paging = 1ull << 31;
constexpr uint64_t kCr4Pse = 1ull << 4, kCr4Pae = 1ull << 5, kCr4La57 = 1ull << 12;
constexpr uint64_t kEferLma = 1ull << 10;
constexpr uint64_t kPresent = 1ull << 0, kLargePage = 1ull << 7;
constexpr uint64_t kAddressMask = 0x000FFFFFFFFFF000ull;  // bits 51:12 of a 64-bit entry
constexpr uint64_t kPageSize = 4096;

std::optional<uint64_t> read_entry(const PhysicalRead& read, uint64_t gpa, size_t width) {
  uint64_t entry = 0;
  if (!read(gpa, {reinterpret_cast<uint8_t*>(&entry), width})) return std::nullopt;
  return entry;
}

// 64-bit entries, 9 index bits a level: long mode (levels 4 or 5) and PAE (3 levels, the
// top one a 4-entry table indexed by bits 31:30).
std::optional<uint64_t> walk_wide(uint64_t table, uint64_t gva, int levels, const PhysicalRead& read) {
  for (int level = levels; level >= 1; --level) {
    int shift = 12 + 9 * (level - 1);
    uint64_t index = (gva >> shift) & (levels == 3 && level == 3 ? 3 : 511);
    auto entry = read_entry(read, table + index * 8, 8);
    if (!entry || !(*entry & kPresent)) return std::nullopt;
    bool leaf = level == 1 || ((level == 2 || level == 3) && (*entry & kLargePage) && !(levels == 3 && level == 3));
    if (leaf) {
      uint64_t page_mask = (1ull << shift) - 1;
      return (*entry & kAddressMask & ~page_mask) | (gva & page_mask);
    }
    table = *entry & kAddressMask;
  }
  return std::nullopt;
}

// 32-bit paging: two levels of 1024 4-byte entries, 4 MiB pages with CR4.PSE.
std::optional<uint64_t> walk_32bit(const PagingMode& mode, uint64_t gva, const PhysicalRead& read) {
  auto directory = read_entry(read, (mode.cr3 & 0xFFFFF000) + ((gva >> 22) & 1023) * 4, 4);
  if (!directory || !(*directory & kPresent)) return std::nullopt;
  if ((mode.cr4 & kCr4Pse) && (*directory & kLargePage)) return (*directory & 0xFFC00000) | (gva & 0x3FFFFF);
  auto table = read_entry(read, (*directory & 0xFFFFF000) + ((gva >> 12) & 1023) * 4, 4);
  if (!table || !(*table & kPresent)) return std::nullopt;
  return (*table & 0xFFFFF000) | (gva & 0xFFF);
}

} // namespace

std::optional<uint64_t> translate(const PagingMode& mode, uint64_t gva, const PhysicalRead& read) {
  if (!(mode.cr0 & kCr0Paging)) return gva;
  if (mode.efer & kEferLma) return walk_wide(mode.cr3 & kAddressMask, gva, mode.cr4 & kCr4La57 ? 5 : 4, read);
  if (mode.cr4 & kCr4Pae) return walk_wide(mode.cr3 & 0xFFFFFFE0, gva & 0xFFFFFFFF, 3, read);
  return walk_32bit(mode, gva & 0xFFFFFFFF, read);
}

bool read_virtual(const PagingMode& mode, uint64_t gva, std::span<uint8_t> out, const PhysicalRead& read) {
  while (!out.empty()) {
    size_t chunk = std::min<uint64_t>(out.size(), kPageSize - (gva & (kPageSize - 1)));
    auto gpa = translate(mode, gva, read);
    if (!gpa || !read(*gpa, out.first(chunk))) return false;
    out = out.subspan(chunk);
    gva += chunk;
  }
  return true;
}

VirtualRead virtual_reader(const PagingMode& mode, PhysicalRead read) {
  return [mode, read = std::move(read)](uint64_t gva, std::span<uint8_t> out) {
    return read_virtual(mode, gva, out, read);
  };
}

} // namespace slotbox::debug
