#include "host/bench/memory_map_bench.h"

#include "host/base/mapping.h"
#include "host/kvm/slot_listener.h"
#include "host/kvm/vm.h"
#include "host/memory/address_space.h"
#include "host/memory/region.h"

#include <chrono>
#include <cmath>
#include <functional>
#include <memory>

namespace slotbox::bench {
namespace {

constexpr uint64_t kRegionSize = 4096;
constexpr uint64_t kStride = 2 * kRegionSize;  // a gap between regions: nothing merges
constexpr uint32_t kCountedSlots = 32764;       // KVM_USER_MEM_SLOTS of x86 Linux

// Stands in for a VM where there is none: counts the calls, checks nothing.
class CountingSlotTable final : public kvm::MemorySlotTable {
public:
  Result<void> set_memory_slot(const kvm::MemorySlot&) override {
    ++calls;
    return {};
  }
  uint32_t max_memory_slots() const override { return kCountedSlots; }
  Result<std::vector<uint64_t>> dirty_log(const kvm::MemorySlot&) override { return std::vector<uint64_t>{}; }
  uint64_t calls = 0;
};

// n RAM regions of one page each, every other page of a NORESERVE mapping (never touched),
// in a container that is built before it goes into the root: adding it is the change
// whose render + commit is measured, not the building of the tree.
struct RegionMap {
  Mapping memory;
  std::unique_ptr<memory::Region> root;
  std::unique_ptr<memory::Region> holder;
  std::vector<std::unique_ptr<memory::Region>> regions;

  static Result<RegionMap> create(size_t n) {
    RegionMap map;
    map.memory = SLOTBOX_TRY(Mapping::anonymous(n * kStride, "memory map bench"));
    map.root = memory::Region::container("system", uint64_t{1} << 40);
    map.holder = memory::Region::container("regions", uint64_t{1} << 40);
    for (size_t i = 0; i < n; ++i) {
      map.regions.push_back(memory::Region::ram("r" + std::to_string(i), kRegionSize, map.memory.data() + i * kStride));
      map.holder->add_subregion(i * kStride, *map.regions.back());
    }
    return map;
  }
  void add_all() { root->add_subregion(0, *holder); }
};

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Adding n regions in one transaction: render, diff against the empty view, n slots.
Result<double> render_and_commit(size_t n) {
  RegionMap map = SLOTBOX_TRY(RegionMap::create(n));
  memory::AddressSpace space("memory", *map.root, 0);
  CountingSlotTable table;
  kvm::SlotListener listener(table);
  SLOTBOX_TRY_VOID(space.add_listener(listener));
  auto start = std::chrono::steady_clock::now();
  SLOTBOX_TRY_VOID(space.update([&] { map.add_all(); }));
  double elapsed = ms_since(start);
  if (table.calls != n)
    return fail(Error{ErrorKind::kSystem, "memory map bench", {}, 0,
                      std::to_string(table.calls) + " slot calls for " + std::to_string(n) + " regions"});
  return elapsed;
}

struct OneChange {
  uint64_t calls = 0;
  double commit_ms = 0;
  double register_ms = 0;  // the whole map, once
};

// Moves one region of the map to a free address: one slot deleted, one added.
Result<OneChange> change_one(kvm::MemorySlotTable& table, const std::function<uint64_t()>& calls, size_t n) {
  RegionMap map = SLOTBOX_TRY(RegionMap::create(n));
  map.add_all();
  memory::AddressSpace space("memory", *map.root, 0);
  kvm::SlotListener listener(table);
  OneChange change;
  auto start = std::chrono::steady_clock::now();
  SLOTBOX_TRY_VOID(space.add_listener(listener));
  change.register_ms = ms_since(start);
  uint64_t before = calls();
  start = std::chrono::steady_clock::now();
  SLOTBOX_TRY_VOID(space.update([&] { map.regions[n / 2]->set_address(n * kStride); }));
  change.commit_ms = ms_since(start);
  change.calls = calls() - before;
  space.remove_listener(listener);
  return change;
}

Result<OneChange> change_one(const BenchContext& context, size_t n) {
  if (!context.kvm) {
    CountingSlotTable table;
    return change_one(table, [&] { return table.calls; }, n);
  }
  kvm::Vm vm = SLOTBOX_TRY(context.kvm->create_vm());
  return change_one(vm, [&] { return vm.memory_slot_calls(); }, n);
}

} // namespace

Section memory_map_section(const BenchContext& context) {
  Section section{"memory_map", "Memory map: render + commit (host only, no KVM calls)", {}, {}, {}};
  unsigned trials = context.quick ? 3 : 7;
  std::optional<Summary> previous;
  size_t previous_n = 0;
  for (size_t n : {10, 100, 1000, 10000}) {
    std::vector<double> samples;
    for (unsigned i = 0; i < trials; ++i) {
      auto elapsed = render_and_commit(n);
      if (!elapsed) {
        section.skipped = elapsed.error().message();
        return section;
      }
      samples.push_back(*elapsed);
    }
    Figure figure{std::to_string(n) + " regions", "ms", summarize(samples), {}, std::nullopt, std::nullopt, true, {}};
    if (previous) {
      figure.baseline_name = std::to_string(previous_n) + " regions";
      figure.baseline = previous;
      double n_log_n = (n * std::log2(double(n))) / (previous_n * std::log2(double(previous_n)));
      char note[96];
      std::snprintf(note, sizeof note, "growth; n log n would be %.1fx, n^2 %.0fx", n_log_n,
                    double(n) * n / (double(previous_n) * previous_n));
      figure.note = note;
    }
    previous = figure.value;
    previous_n = n;
    section.figures.push_back(compared(std::move(figure)));
  }
  constexpr size_t kChangedMap = 1000;
  std::vector<double> calls, commit, registration;
  for (unsigned i = 0; i < trials; ++i) {
    auto change = change_one(context, kChangedMap);
    if (!change) {
      section.notes.push_back("one region changed: not measured: " + change.error().message());
      return section;
    }
    calls.push_back(double(change->calls));
    commit.push_back(change->commit_ms);
    registration.push_back(change->register_ms);
  }
  std::string where = context.kvm ? "KVM_SET_USER_MEMORY_REGION on a real VM" : "counted without KVM";
  section.figures.push_back(compared(Figure{"1 of 1000 regions moved: slot calls", "calls", summarize(calls),
                                            "minimum (delete + add)", Summary{2, 2, 2, 1}, std::nullopt, true, where}));
  section.figures.push_back(compared(Figure{"1 of 1000 regions moved: commit", "ms", summarize(commit),
                                            "all 1000 into slots", summarize(registration), std::nullopt, true,
                                            where + "; the baseline registers the whole map"}));
  section.notes.push_back("each region one 4 KiB RAM page with a gap after it; the slot listener on a table that "
                          "only counts, so the time is slotbox's own");
  return section;
}

} // namespace slotbox::bench
