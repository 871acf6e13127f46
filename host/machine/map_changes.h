// Changes to the memory map while the guest runs, on the guest's request (host assist):
// an MMIO window over any range, an alias of a RAM window at any address, the BIOS made
// writable and read-only again. Each is one transaction; the slot listener turns it into
// the fewest KVM slot calls. Bounded, so a guest cannot make the host allocate without end.
#pragma once

#include "host/base/error.h"
#include "host/machine/pc_memory_map.h"
#include "host/machine/scratch_window.h"

#include <map>
#include <memory>

namespace slotbox::machine {

class MapChanges {
public:
  static constexpr size_t kMaxLiveChanges = 64;

  explicit MapChanges(PcMemoryMap& map) : m_map(map) {}

  // Each returns a bad-input error for requests that make no sense (overlap of a live
  // change at the same gpa, sizes out of bounds, too many live changes).
  Result<void> add_mmio_overlay(uint64_t gpa, uint64_t size);
  Result<void> add_ram_alias(uint64_t gpa, uint64_t ram_offset, uint64_t size);
  Result<void> remove(uint64_t gpa);
  void set_bios_writable(bool writable);

private:
  struct Live {
    std::unique_ptr<memory::Region> region;
    std::unique_ptr<ScratchWindow> window;
  };
  Result<void> place(uint64_t gpa, Live live);

  PcMemoryMap& m_map;
  std::map<uint64_t, Live> m_live;
};

} // namespace slotbox::machine
