// Rendering a region tree into a flat view, with QEMU's semantics.
#include "host/memory/flat_view.h"
#include "memory_test_support.h"

#include <doctest/doctest.h>

using namespace slotbox::memory;
using namespace slotbox::memory::testing;
using Lines = std::vector<std::string>;

TEST_CASE("among overlapping siblings the higher priority wins") {
  Tree tree;
  Region& root = tree.container("root", 0x10000);
  Region& low = tree.ram("low", 0x4000);
  Region& high = tree.ram("high", 0x1000);
  root.add_subregion(0x0, low, 0);
  root.add_subregion(0x1000, high, 1);
  CHECK(describe(FlatView::render(root)) ==
        Lines{"low 0x0+0x1000 @0x0", "high 0x1000+0x1000 @0x0", "low 0x2000+0x2000 @0x2000"});
}

TEST_CASE("on equal priority the later-added wins") {
  Tree tree;
  Region& root = tree.container("root", 0x10000);
  Region& first = tree.ram("first", 0x2000);
  Region& second = tree.ram("second", 0x2000);
  SUBCASE("second added later") {
    root.add_subregion(0x0, first);
    root.add_subregion(0x1000, second);
    CHECK(describe(FlatView::render(root)) == Lines{"first 0x0+0x1000 @0x0", "second 0x1000+0x2000 @0x0"});
  }
  SUBCASE("first added later") {
    root.add_subregion(0x1000, second);
    root.add_subregion(0x0, first);
    CHECK(describe(FlatView::render(root)) == Lines{"first 0x0+0x2000 @0x0", "second 0x2000+0x1000 @0x1000"});
  }
}

// Region keeps its children in the reverse of this order (so that the common add is an
// append); whatever the order of adds, subregions() must come out as QEMU orders them.
TEST_CASE("subregions(): highest priority first, among equals the latest added first") {
  Tree tree;
  Region& root = tree.container("root", 0x10000);
  std::vector<std::pair<std::string, int>> adds{{"a", 0}, {"b", 2}, {"c", 0}, {"d", -1}, {"e", 2},
                                                {"f", 1}, {"g", -1}, {"h", 0}, {"i", 3}};
  for (const auto& [name, priority] : adds) root.add_subregion(0, tree.ram(name, 0x1000), priority);
  std::string order;
  for (const Region* child : root.subregions()) order += child->name();
  CHECK(order == "iebfhcagd");
  root.remove_subregion(*root.subregions().front());
  order.clear();
  for (const Region* child : root.subregions()) order += child->name();
  CHECK(order == "ebfhcagd");
}

TEST_CASE("a container's uncovered parts fall through to lower-priority siblings") {
  Tree tree;
  Region& root = tree.container("root", 0x10000);
  Region& ram = tree.ram("ram", 0x8000);
  Region& box = tree.container("box", 0x4000);
  Region& inner = tree.ram("inner", 0x1000);
  box.add_subregion(0x1000, inner);
  root.add_subregion(0x0, ram, 0);
  root.add_subregion(0x2000, box, 5);
  CHECK(describe(FlatView::render(root)) ==
        Lines{"ram 0x0+0x3000 @0x0", "inner 0x3000+0x1000 @0x0", "ram 0x4000+0x4000 @0x4000"});
}

TEST_CASE("subregions are clipped to their container") {
  Tree tree;
  Region& root = tree.container("root", 0x10000);
  Region& box = tree.container("box", 0x2000);
  Region& big = tree.ram("big", 0x8000);
  box.add_subregion(0x1000, big);
  root.add_subregion(0x4000, box);
  CHECK(describe(FlatView::render(root)) == Lines{"big 0x5000+0x1000 @0x0"});
}

TEST_CASE("aliases of aliases accumulate their offsets") {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& ram = tree.ram("ram", 0x10000);
  Region& outer = tree.alias("outer", ram, 0x4000, 0x8000);
  Region& inner = tree.alias("inner", outer, 0x1000, 0x2000);
  root.add_subregion(0x50000, inner);
  CHECK(describe(FlatView::render(root)) == Lines{"ram 0x50000+0x2000 @0x5000"});
}

TEST_CASE("an alias window never shows more than its target") {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& ram = tree.ram("ram", 0x4000);
  Region& window = tree.alias("window", ram, 0x3000, 0x4000);
  root.add_subregion(0x10000, window);
  CHECK(describe(FlatView::render(root)) == Lines{"ram 0x10000+0x1000 @0x3000"});
}

TEST_CASE("read-only propagates through aliases and ROM") {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& ram = tree.ram("ram", 0x4000);
  Region& rom = tree.rom("rom", 0x1000);
  Region& readonly_view = tree.alias("ro-view", ram, 0, 0x1000, /*readonly=*/true);
  Region& view_of_view = tree.alias("view-of-view", readonly_view, 0, 0x1000);
  root.add_subregion(0x0, ram);
  root.add_subregion(0x10000, view_of_view);
  root.add_subregion(0x20000, rom);
  CHECK(describe(FlatView::render(root)) ==
        Lines{"ram 0x0+0x4000 @0x0", "ram 0x10000+0x1000 @0x0 ro", "rom 0x20000+0x1000 @0x0 ro"});
}

TEST_CASE("a ROM switched writable renders writable, and back") {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& rom = tree.rom("rom", 0x1000);
  root.add_subregion(0x20000, rom);
  rom.set_rom_writable(true);
  CHECK(describe(FlatView::render(root)) == Lines{"rom 0x20000+0x1000 @0x0"});
  rom.set_rom_writable(false);
  CHECK(describe(FlatView::render(root)) == Lines{"rom 0x20000+0x1000 @0x0 ro"});
}

TEST_CASE("disabled regions are absent and uncover what is below") {
  Tree tree;
  Region& root = tree.container("root", 0x10000);
  Region& ram = tree.ram("ram", 0x4000);
  Region& rom = tree.rom("rom", 0x1000);
  root.add_subregion(0x0, ram);
  root.add_subregion(0x1000, rom, 1);
  rom.set_enabled(false);
  CHECK(describe(FlatView::render(root)) == Lines{"ram 0x0+0x4000 @0x0"});
}

TEST_CASE("adjacent ranges merge only when region, offsets and flags continue") {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& ram = tree.ram("ram", 0x4000);
  SUBCASE("two aliases that continue each other merge") {
    root.add_subregion(0x0, tree.alias("a", ram, 0, 0x2000));
    root.add_subregion(0x2000, tree.alias("b", ram, 0x2000, 0x2000));
    CHECK(describe(FlatView::render(root)) == Lines{"ram 0x0+0x4000 @0x0"});
  }
  SUBCASE("a gap in offsets keeps them apart") {
    root.add_subregion(0x0, tree.alias("a", ram, 0, 0x1000));
    root.add_subregion(0x1000, tree.alias("b", ram, 0x2000, 0x1000));
    CHECK(describe(FlatView::render(root)) == Lines{"ram 0x0+0x1000 @0x0", "ram 0x1000+0x1000 @0x2000"});
  }
  SUBCASE("different read-only flags keep them apart") {
    root.add_subregion(0x0, tree.alias("a", ram, 0, 0x1000));
    root.add_subregion(0x1000, tree.alias("b", ram, 0x1000, 0x1000, true));
    CHECK(describe(FlatView::render(root)) == Lines{"ram 0x0+0x1000 @0x0", "ram 0x1000+0x1000 @0x1000 ro"});
  }
}

TEST_CASE("moving a region re-renders it at its new address") {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& ram = tree.ram("ram", 0x1000);
  root.add_subregion(0x1000, ram);
  ram.set_address(0x8000);
  CHECK(describe(FlatView::render(root)) == Lines{"ram 0x8000+0x1000 @0x0"});
}

TEST_CASE("an alias that puts its target's start below address 0 renders") {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& ram = tree.ram("ram", 0x10000);
  root.add_subregion(0x0, tree.alias("tail", ram, 0x8000, 0x1000));
  CHECK(describe(FlatView::render(root)) == Lines{"ram 0x0+0x1000 @0x8000"});
}

TEST_CASE("find() locates the range holding an address") {
  Tree tree;
  Region& root = tree.container("root", 0x10000);
  Region& ram = tree.ram("ram", 0x1000);
  root.add_subregion(0x2000, ram);
  FlatView view = FlatView::render(root);
  CHECK(view.find(0x1FFF) == nullptr);
  REQUIRE(view.find(0x2000) != nullptr);
  CHECK(view.find(0x2FFF)->region == &ram);
  CHECK(view.find(0x3000) == nullptr);
}

TEST_CASE("span_at() gives the range holding an address, or the whole gap around it") {
  Tree tree;
  Region& root = tree.container("root", 0x10000);
  Region& low = tree.ram("low", 0x1000);
  Region& high = tree.ram("high", 0x1000);
  root.add_subregion(0x2000, low);
  root.add_subregion(0x5000, high);
  FlatView view = FlatView::render(root);
  auto span = view.span_at(0x2800);
  CHECK(span.flat == view.find(0x2000));
  CHECK(span.range == Range{0x2000, 0x1000});
  span = view.span_at(0x1234);  // before the first range
  CHECK(span.flat == nullptr);
  CHECK(span.range == Range{0, 0x2000});
  span = view.span_at(0x3000);  // between the two
  CHECK(span.flat == nullptr);
  CHECK(span.range == Range{0x3000, 0x2000});
  span = view.span_at(0x6000);  // after the last: up to the top of the address space
  CHECK(span.flat == nullptr);
  CHECK(span.range == Range{0x6000, UINT64_MAX - 0x6000});
  span = view.span_at(UINT64_MAX);  // a gap cannot end at 2^64: the span holds nothing
  CHECK(span.flat == nullptr);
  CHECK_FALSE(span.range.contains(UINT64_MAX));
  span = FlatView::render(tree.container("empty", 0x10000)).span_at(0x10);
  CHECK(span.range == Range{0, UINT64_MAX});
}

TEST_CASE("resizing follows QEMU's rules") {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& ram = tree.ram("ram", 0x4000);
  root.add_subregion(0x0, ram);
  SUBCASE("RAM shrinks and grows back within its host memory") {
    CHECK(ram.set_size(0x1000));
    CHECK(describe(FlatView::render(root)) == Lines{"ram 0x0+0x1000 @0x0"});
    CHECK(ram.set_size(0x4000));
    CHECK_FALSE(ram.set_size(0x5000));
    CHECK_FALSE(ram.set_size(0));
    CHECK(describe(FlatView::render(root)) == Lines{"ram 0x0+0x4000 @0x0"});
  }
  SUBCASE("an alias grows but never shows past its target") {
    Region& window = tree.alias("window", ram, 0x2000, 0x1000);
    root.add_subregion(0x10000, window);
    CHECK(window.set_size(0x8000));
    CHECK(describe(FlatView::render(root)) == Lines{"ram 0x0+0x4000 @0x0", "ram 0x10000+0x2000 @0x2000"});
  }
}
