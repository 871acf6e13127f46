// A root region, its current flat view and its listeners. Changes to the tree are
// batched between begin() and commit() (nestable); the outermost commit renders the new
// view, diffs it against the old one and tells listeners: deletions first, then additions.
#pragma once

#include "host/memory/flat_view.h"
#include "host/memory/listener.h"
#include "host/memory/region.h"

#include <cstdint>
#include <string>
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

  void add_listener(Listener&);  // replays the current view as region_add calls
  void remove_listener(Listener&);
  void begin();
  void commit();

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
  void notify(const FlatView& old_view);
  uint64_t read_range(const FlatRange& range, uint64_t address, unsigned size);
  void write_range(const FlatRange& range, uint64_t address, unsigned size, uint64_t value);

  std::string m_name;
  Region& m_root;
  uint64_t m_unassigned_read;
  FlatView m_view;
  std::vector<Listener*> m_listeners;
  int m_depth = 0;
  AccessCounters m_counters;
};

} // namespace slotbox::memory
