// The one walk of the page tables (slotbox/page_tables.h).
#include "slotbox/page_tables.h"

namespace slotbox::guest {

PageWalk walk_page_tables(uint64_t cr3, uint64_t address, int lowest) {
  uint64_t* table = page_table_at(cr3);
  for (int level = 3;; --level) {
    uint64_t* entry = &table[page_table_index(address, level)];
    // Bit 7 makes a leaf only in the PDPT and the directory; in the PML4 it is reserved.
    bool leaf = level <= 2 && (*entry & kPageLarge);
    if (level == lowest || !(*entry & kPagePresent) || leaf) return PageWalk{entry, level};
    table = page_table_at(*entry);
  }
}

} // namespace slotbox::guest
