// The x86-64 4-level page tables (SDM vol. 3A 4.5): the entry bits, and the one walk of
// them that the runtime's page protections and the images share. The walk only reads, so
// it runs at CPL0 and at CPL3 alike; CPL3 gets CR3 from kernel_call(KernelOp::kReadCr3).
#pragma once

#include <stdint.h>

namespace slotbox::guest {

// Paging-structure entries (SDM vol. 3A 4.5, tables 4-15 to 4-20).
inline constexpr uint64_t kPagePresent = 1 << 0;
inline constexpr uint64_t kPageWritable = 1 << 1;
inline constexpr uint64_t kPageUser = 1 << 2;
inline constexpr uint64_t kPageLarge = 1 << 7;  // a 2 MiB (directory) or 1 GiB (PDPT) leaf
inline constexpr uint64_t kPageAddressMask = 0x000FFFFFFFFFF000;

// Levels: 3 the PML4, 2 the PDPT, 1 the page directory, 0 the page table.
inline uint64_t page_table_index(uint64_t address, int level) { return (address >> (12 + 9 * level)) & 511; }
inline uint64_t page_size_at(int level) { return 1ull << (12 + 9 * level); }
inline uint64_t* page_table_at(uint64_t entry) { return reinterpret_cast<uint64_t*>(entry & kPageAddressMask); }

struct PageWalk {
  uint64_t* entry;  // where the walk stopped
  int level;        // that entry's level
  // Present: at `lowest`, or a leaf mapping a page of page_size_at(level).
  bool present() const { return *entry & kPagePresent; }
};

// From the tables at `cr3` towards `address`, down to the entry at level `lowest`;
// stopping early at an entry that is not present or is a large page.
PageWalk walk_page_tables(uint64_t cr3, uint64_t address, int lowest = 0);

} // namespace slotbox::guest
