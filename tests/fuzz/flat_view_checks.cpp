#include "flat_view_checks.h"

#include "host/kvm/slot_listener.h"

#include <optional>

namespace slotbox::fuzz {
namespace {

using memory::FlatRange;
using memory::Region;
using memory::RegionKind;

// Where an address lands by the tree's own rules, without the renderer.
struct Hit {
  const Region* region;
  uint64_t offset;
  bool readonly;
  bool dirty_logging;
};

// `parent` is where the region's container starts; 128 bits, as an alias of a target's far
// end placed low puts the target's start below 0.
std::optional<Hit> walk(const Region& region, __int128 parent, uint64_t address, bool readonly) {
  if (!region.enabled()) return std::nullopt;
  __int128 start = parent + region.address();
  if (address < start || address >= start + region.size()) return std::nullopt;
  readonly = readonly || region.readonly();
  switch (region.kind()) {
  case RegionKind::kAlias: {
    const Region& target = *region.alias_target();
    return walk(target, start - region.alias_offset() - target.address(), address, readonly);
  }
  case RegionKind::kContainer:
    for (const Region* child : region.subregions())
      if (auto hit = walk(*child, start, address, readonly)) return hit;
    return std::nullopt;
  default:
    return Hit{&region, static_cast<uint64_t>(address - start), readonly, region.dirty_logging()};
  }
}

void check_probe(const memory::AddressSpace& space, uint64_t address) {
  std::optional<Hit> expected = walk(space.root(), 0, address, false);
  const FlatRange* shown = space.view().find(address);
  FUZZ_CHECK(bool(expected) == bool(shown), "0x%llx: the tree says %s, the flat view %s",
             (unsigned long long)address, expected ? expected->region->name().c_str() : "nothing",
             shown ? shown->region->name().c_str() : "nothing");
  if (!expected) return;
  uint64_t offset = shown->offset + (address - shown->range.start);
  FUZZ_CHECK(shown->region == expected->region && offset == expected->offset,
             "0x%llx: the tree says %s+0x%llx, the flat view %s+0x%llx", (unsigned long long)address,
             expected->region->name().c_str(), (unsigned long long)expected->offset,
             shown->region->name().c_str(), (unsigned long long)offset);
  FUZZ_CHECK(shown->readonly == expected->readonly && shown->dirty_logging == expected->dirty_logging,
             "0x%llx in %s: flags differ from the tree's", (unsigned long long)address, shown->region->name().c_str());
}

bool mergeable(const FlatRange& left, const FlatRange& right) {
  return left.range.end() == right.range.start && left.region == right.region &&
         left.offset + left.range.size == right.offset && left.readonly == right.readonly &&
         left.dirty_logging == right.dirty_logging;
}

} // namespace

void check_flat_view(const memory::AddressSpace& space, const std::vector<uint64_t>& probes) {
  const std::vector<FlatRange>& ranges = space.view().ranges();
  uint64_t root_end = space.root().address() + space.root().size();
  for (size_t i = 0; i < ranges.size(); ++i) {
    const FlatRange& range = ranges[i];
    const char* name = range.region->name().c_str();
    FUZZ_CHECK(!range.range.empty(), "range %zu (%s) is empty", i, name);
    FUZZ_CHECK(range.range.end() > range.range.start && range.range.end() <= root_end,
               "range %zu (%s) leaves the address space", i, name);
    RegionKind kind = range.region->kind();
    FUZZ_CHECK(kind == RegionKind::kRam || kind == RegionKind::kRom || kind == RegionKind::kMmio,
               "range %zu (%s) is not a terminal region", i, name);
    FUZZ_CHECK(range.offset <= range.region->size() && range.range.size <= range.region->size() - range.offset,
               "range %zu (%s) runs past its region's end", i, name);
    if (i > 0) {
      FUZZ_CHECK(ranges[i - 1].range.end() <= range.range.start, "ranges %zu and %zu are unsorted or overlap", i - 1, i);
      FUZZ_CHECK(!mergeable(ranges[i - 1], range), "ranges %zu and %zu (%s) should be one", i - 1, i, name);
    }
    check_probe(space, range.range.start);
    check_probe(space, range.range.end() - 1);
    if (range.range.start > 0) check_probe(space, range.range.start - 1);
    if (range.range.end() < root_end) check_probe(space, range.range.end());
  }
  for (uint64_t address : probes)
    if (address < root_end) check_probe(space, address);
}

void check_slots(const memory::AddressSpace& space, const FuzzSlotTable& table) {
  std::set<std::tuple<uint64_t, uint64_t, uint32_t, uint8_t*>> expected;
  for (const FlatRange& range : space.view().ranges())
    if (auto slot = kvm::SlotListener::slot_for(range)) expected.insert({slot->gpa, slot->size, slot->flags, slot->host});
  FUZZ_CHECK(table.contents() == expected, "the slot table holds %zu slots, the flat view makes %zu",
             table.contents().size(), expected.size());
}

} // namespace slotbox::fuzz
