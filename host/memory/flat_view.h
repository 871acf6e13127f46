// The rendered form of a region tree: sorted, non-overlapping ranges, each naming the
// terminal region (RAM, ROM or MMIO) that answers there and the offset into it.
#pragma once

#include "host/memory/range.h"

#include <cstdint>
#include <vector>

namespace slotbox::memory {

class Region;

struct FlatRange {
  Range range;             // in the address space
  Region* region;          // terminal region: kRam, kRom or kMmio
  uint64_t offset;         // of range.start within region
  bool readonly;           // ROM, or reached through a read-only alias
  bool dirty_logging;      // the RAM region logs the pages the guest writes
  friend bool operator==(const FlatRange&, const FlatRange&) = default;
};

class FlatView {
public:
  // Render a tree; adjacent ranges of the same region with contiguous offsets and equal
  // flags are merged.
  static FlatView render(const Region& root);

  const std::vector<FlatRange>& ranges() const;
  // The range containing address, or nullptr where nothing is mapped.
  const FlatRange* find(uint64_t address) const;

  // The widest stretch around an address that answers the same way: the range holding it
  // (flat is that range), or the gap between its neighbours (flat is null). AddressSpace
  // keeps the last one, so that exits on one port or address skip the search.
  struct Span {
    Range range;
    const FlatRange* flat = nullptr;
  };
  // A gap reaching 2^64 ends at UINT64_MAX (a Range cannot end at 2^64), so an unmapped
  // UINT64_MAX itself gets an empty span: it holds nothing, and the next access searches.
  Span span_at(uint64_t address) const;

private:
  std::vector<FlatRange> m_ranges;
};

} // namespace slotbox::memory
