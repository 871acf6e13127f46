// Randomized checks of the memory model against a naive reference:
//  - rendering: every address of random trees (priorities, ties, nested containers,
//    aliases of aliases, read-only aliases, ROMs, disabled regions) resolves to the same
//    region, offset and read-only flag as a unit-by-unit walk of the tree;
//  - change sequences: applying each commit's listener calls to the previous state gives
//    exactly the fresh render, and the KVM slots the slot listener keeps equal a fresh
//    registration of the new map.
#include "host/kvm/slot_listener.h"
#include "host/memory/address_space.h"
#include "fake_slot_table.h"
#include "memory_test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

using namespace slotbox;
using namespace slotbox::memory;
using namespace slotbox::memory::testing;
using slotbox::kvm::testing::FakeSlotTable;

namespace {

constexpr uint64_t kUnit = 0x100;        // sub-page units, so slots see unaligned edges
constexpr uint64_t kSpaceUnits = 512;    // the root spans 128 KiB

struct Resolved {
  const Region* region = nullptr;
  uint64_t offset = 0;
  bool readonly = false;
  friend bool operator==(const Resolved&, const Resolved&) = default;
};

// A tree built at random, remembering insertion order independently of the code under
// test so the reference can break priority ties itself.
class RandomTree {
public:
  explicit RandomTree(uint32_t seed) : m_random(seed) {
    m_root = &m_tree.container("root", kSpaceUnits * kUnit);
    m_containers.push_back(m_root);
    int count = pick(5, 120);
    for (int i = 0; i < count; ++i) add_random_region();
  }

  Region& root() { return *m_root; }

  // The naive reference: which terminal region answers at `address` of `region`.
  Resolved resolve(const Region& region, uint64_t address, bool readonly) const {
    if (!region.enabled() || address >= region.size()) return {};
    readonly = readonly || region.readonly();
    switch (region.kind()) {
    case RegionKind::kAlias:
      return resolve(*region.alias_target(), region.alias_offset() + address, readonly);
    case RegionKind::kContainer:
      for (const Region* child : children_by_precedence(region)) {
        if (address < child->address() || address - child->address() >= child->size()) continue;
        Resolved found = resolve(*child, address - child->address(), readonly);
        if (found.region) return found;
      }
      return {};
    default:
      return Resolved{&region, address, readonly};
    }
  }

  // One random change of the kinds a machine makes at run time.
  void mutate() {
    Region& region = *m_placed[pick(0, static_cast<int>(m_placed.size()) - 1)];
    switch (pick(0, 4)) {
    case 0: region.set_enabled(!region.enabled()); break;
    case 4:
      if (region.kind() == RegionKind::kRam) region.set_dirty_logging(!region.dirty_logging());
      else region.set_address(unit_address());
      break;
    case 1: region.set_address(unit_address()); break;
    case 2:
      if (region.kind() == RegionKind::kRom) region.set_rom_writable(!region.readonly());
      else region.set_enabled(!region.enabled());
      break;
    case 3: add_random_region(); break;
    }
  }

  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(m_random); }

private:
  struct Placement {
    int priority;
    int order;
  };

  std::vector<const Region*> children_by_precedence(const Region& container) const {
    std::vector<const Region*> children(container.subregions().begin(), container.subregions().end());
    std::sort(children.begin(), children.end(), [&](const Region* a, const Region* b) {
      const Placement& pa = m_placement.at(a);
      const Placement& pb = m_placement.at(b);
      return pa.priority != pb.priority ? pa.priority > pb.priority : pa.order > pb.order;
    });
    return children;
  }

  uint64_t unit_address() { return static_cast<uint64_t>(pick(0, kSpaceUnits - 1)) * kUnit; }
  uint64_t unit_size() { return static_cast<uint64_t>(pick(1, 64)) * kUnit; }

  void add_random_region() {
    std::string name = "r" + std::to_string(m_placed.size());
    Region* region = nullptr;
    switch (pick(0, 5)) {
    case 0: region = &m_tree.ram(name, unit_size()); m_targets.push_back(region); break;
    case 1: region = &m_tree.rom(name, unit_size()); m_targets.push_back(region); break;
    case 2: region = &m_tree.mmio(name, unit_size(), m_device); break;
    case 3:
      if (m_containers.size() < 8) {
        region = &m_tree.container(name, unit_size() * 2);
        m_containers.push_back(region);
        break;
      }
      [[fallthrough]];
    default: {
      if (m_targets.empty()) return;
      Region& target = *m_targets[pick(0, static_cast<int>(m_targets.size()) - 1)];
      uint64_t offset = static_cast<uint64_t>(pick(0, static_cast<int>(target.size() / kUnit) - 1)) * kUnit;
      region = &m_tree.alias(name, target, offset, unit_size(), pick(0, 3) == 0);
      m_targets.push_back(region);  // aliases of aliases
    }
    }
    Region& parent = *m_containers[pick(0, static_cast<int>(m_containers.size()) - 1)];
    if (&parent == region) return;
    int priority = pick(-2, 2);
    parent.add_subregion(unit_address() % parent.size(), *region, priority);
    m_placement[region] = Placement{priority, m_order++};
    m_placed.push_back(region);
  }

  std::mt19937 m_random;
  Tree m_tree;
  NullDevice m_device;
  Region* m_root = nullptr;
  std::vector<Region*> m_containers;
  std::vector<Region*> m_targets;
  std::vector<Region*> m_placed;
  std::map<const Region*, Placement> m_placement;
  int m_order = 0;
};

Resolved rendered_at(const FlatView& view, uint64_t address) {
  const FlatRange* range = view.find(address);
  if (!range) return {};
  return Resolved{range->region, range->offset + (address - range->range.start), range->readonly};
}

void check_against_reference(RandomTree& tree, const FlatView& view) {
  for (uint64_t unit = 0; unit < kSpaceUnits; ++unit) {
    uint64_t address = unit * kUnit;
    Resolved expected = tree.resolve(tree.root(), address, false);
    Resolved actual = rendered_at(view, address);
    INFO("address 0x" << std::hex << address);
    REQUIRE(actual == expected);
  }
  const auto& ranges = view.ranges();
  for (size_t i = 1; i < ranges.size(); ++i) {
    const FlatRange& left = ranges[i - 1];
    const FlatRange& right = ranges[i];
    REQUIRE(left.range.end() <= right.range.start);
    bool mergeable = left.range.end() == right.range.start && left.region == right.region &&
                     left.offset + left.range.size == right.offset && left.readonly == right.readonly &&
                     left.dirty_logging == right.dirty_logging;
    REQUIRE_FALSE(mergeable);
  }
}

// Applies listener calls to a set of ranges, as a consumer of the diffs would.
class ReplayingListener final : public Listener {
public:
  slotbox::Result<void> region_del(const FlatRange& range) override {
    REQUIRE(ranges.erase(key(range)) == 1);
    return {};
  }
  slotbox::Result<void> region_add(const FlatRange& range) override {
    REQUIRE(ranges.insert(key(range)).second);
    return {};
  }
  slotbox::Result<void> log_start(const FlatRange& range) override { return toggle_logging(range); }
  slotbox::Result<void> log_stop(const FlatRange& range) override { return toggle_logging(range); }
  using Key = std::tuple<uint64_t, uint64_t, const Region*, uint64_t, bool, bool>;
  static Key key(const FlatRange& r) {
    return {r.range.start, r.range.size, r.region, r.offset, r.readonly, r.dirty_logging};
  }
  slotbox::Result<void> toggle_logging(const FlatRange& range) {
    FlatRange old = range;
    old.dirty_logging = !range.dirty_logging;
    REQUIRE(ranges.erase(key(old)) == 1);
    REQUIRE(ranges.insert(key(range)).second);
    return {};
  }
  std::set<Key> ranges;
};

} // namespace

TEST_CASE("random trees render exactly as the naive reference resolves them") {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    CAPTURE(seed);
    RandomTree tree(seed);
    check_against_reference(tree, FlatView::render(tree.root()));
  }
}

TEST_CASE("listener diffs applied to the old state equal the new render, for ranges and slots") {
  for (uint32_t seed = 1; seed <= 100; ++seed) {
    CAPTURE(seed);
    RandomTree tree(seed);
    AddressSpace space("random", tree.root(), 0);
    ReplayingListener replay;
    FakeSlotTable table;
    kvm::SlotListener slots(table);
    REQUIRE(space.add_listener(replay));
    REQUIRE(space.add_listener(slots));
    for (int step = 0; step < 30; ++step) {
      CAPTURE(step);
      int changes = tree.pick(1, 3);
      REQUIRE(space.update([&] {
        for (int i = 0; i < changes; ++i) tree.mutate();
      }));

      std::set<ReplayingListener::Key> fresh;
      for (const FlatRange& range : space.view().ranges()) fresh.insert(ReplayingListener::key(range));
      REQUIRE(replay.ranges == fresh);
      check_against_reference(tree, space.view());

      FakeSlotTable fresh_table;
      kvm::SlotListener fresh_slots(fresh_table);
      REQUIRE(space.add_listener(fresh_slots));
      space.remove_listener(fresh_slots);
      REQUIRE(fresh_table.contents() == table.contents());
      CHECK(fresh_table.calls == fresh_table.slots.size());  // start-up: one call per slot
    }
  }
}
