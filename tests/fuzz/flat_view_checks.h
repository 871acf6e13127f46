// Invariants of a rendered address space, shared by the map-file and host-assist targets:
// the flat view is sorted, non-overlapping and merged, every range lies inside its
// terminal region, it answers every probed address as a plain walk of the region tree
// does (QEMU's rules: enabled subregions in priority order, aliases followed), and the
// KVM slots a listener holds are exactly the ones the view's ranges make.
#pragma once

#include "fuzz_slot_table.h"
#include "host/memory/address_space.h"

#include <vector>

namespace slotbox::fuzz {

// Aborts naming the first broken invariant. probes: extra addresses to look up besides
// every range's first and last byte and the byte after it.
void check_flat_view(const memory::AddressSpace& space, const std::vector<uint64_t>& probes);
// The slot table holds exactly the slots of the view's RAM and ROM ranges.
void check_slots(const memory::AddressSpace& space, const FuzzSlotTable& table);

} // namespace slotbox::fuzz
