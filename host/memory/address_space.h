// A root region, its current flat view and its listeners. Changes to the tree are batched
// in update() (nestable); when the outermost update ends it renders the new view, diffs it
// against the old one and tells listeners: deletions first, then additions.
#pragma once

#include "host/base/error.h"
#include "host/memory/flat_view.h"
#include "host/memory/listener.h"
#include "host/memory/region.h"

#include <concepts>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace slotbox::memory {

struct AccessCounters {
  uint64_t rom_writes_dropped = 0;
  uint64_t unassigned_reads = 0;
  uint64_t unassigned_writes = 0;
};

class AddressSpace {
public:
  // unassigned_read: what a read where nothing is mapped returns (QEMU: all ones for
  // ports; see host/machine for the memory value). The view starts rendered.
  AddressSpace(std::string name, Region& root, uint64_t unassigned_read);
  // Not copied: m_last_span points into this space's own view.
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;

  // Replays the current view to the listener as region_add calls and returns its first
  // failure; the listener stays attached either way, so remove_listener() still pairs.
  [[nodiscard]] Result<void> add_listener(Listener&);
  void remove_listener(Listener&);

  // Runs `change` (edits to the region tree) as one transaction, like QEMU's
  // memory_region_transaction_begin/commit around it. When the outermost update ends,
  // listeners hear the difference and the first listener failure comes back here; a
  // nested update returns success and leaves the outcome to the outermost.
  template <std::invocable Change>
  [[nodiscard]] Result<void> update(Change&& change) {
    ++m_depth;
    std::forward<Change>(change)();
    return commit();
  }

  const FlatView& view() const;
  // Accesses the host has to perform itself (MMIO exits, port I/O): dispatched through
  // the flat view. RAM/ROM ranges read and write host memory; writes to read-only ranges
  // are dropped and counted. size is 1, 2, 4 or 8.
  uint64_t read(uint64_t address, unsigned size);
  void write(uint64_t address, unsigned size, uint64_t value);
  const AccessCounters& counters() const;
  const std::string& name() const { return m_name; }
  const Region& root() const { return m_root; }

private:
  Result<void> commit();
  uint64_t read_in_span(uint64_t address, unsigned size);
  void write_in_span(uint64_t address, unsigned size, uint64_t value);
  [[gnu::noinline]] uint64_t read_after_search(uint64_t address, unsigned size);
  [[gnu::noinline]] void write_after_search(uint64_t address, unsigned size, uint64_t value);
  [[gnu::noinline]] uint64_t read_straddling(const FlatView::Span& span, uint64_t address, unsigned size);
  [[gnu::noinline]] void write_straddling(const FlatView::Span& span, uint64_t address, unsigned size, uint64_t value);
  unsigned piece_size(uint64_t address, unsigned remaining) const;
  uint64_t read_range(const FlatRange& range, uint64_t address, unsigned size);
  void write_range(const FlatRange& range, uint64_t address, unsigned size, uint64_t value);

  std::string m_name;
  Region& m_root;
  uint64_t m_unassigned_read;
  FlatView m_view;
  // Where the last access fell, in m_view: a guest loop exits on one port or address again
  // and again, and the hit is one compare instead of a binary search over the view.
  // Replaced with the view (commit()).
  FlatView::Span m_last_span;
  std::vector<Listener*> m_listeners;
  int m_depth = 0;
  AccessCounters m_counters;
};

} // namespace slotbox::memory
