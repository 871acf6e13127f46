// Transactions, listener call sequences and the accesses the host performs itself.
#include "host/memory/address_space.h"
#include "memory_test_support.h"

#include <doctest/doctest.h>

#include <cstring>

using namespace slotbox::memory;
using namespace slotbox::memory::testing;
using Lines = std::vector<std::string>;

namespace {

struct Fixture {
  Tree tree;
  Region& root = tree.container("root", 0x100000);
  Region& ram = tree.ram("ram", 0x10000);
  NullDevice device;
  Region& window = tree.mmio("window", 0x1000, device);
  RecordingListener listener;

  Fixture() { root.add_subregion(0x0, ram); }
};

} // namespace

TEST_CASE("a new listener hears the current view as additions") {
  Fixture f;
  AddressSpace space("test", f.root, 0);
  REQUIRE(space.add_listener(f.listener));
  CHECK(f.listener.calls == Lines{"add ram 0x0+0x10000 @0x0"});
}

TEST_CASE("an MMIO window over RAM splits it: one deletion, then three additions") {
  Fixture f;
  AddressSpace space("test", f.root, 0);
  REQUIRE(space.add_listener(f.listener));
  f.listener.calls.clear();
  REQUIRE(space.update([&] { f.root.add_subregion(0x4000, f.window, 1); }));
  CHECK(f.listener.calls == Lines{"del ram 0x0+0x10000 @0x0", "add ram 0x0+0x4000 @0x0",
                                  "add window 0x4000+0x1000 @0x0", "add ram 0x5000+0xb000 @0x5000"});
  SUBCASE("removing it merges RAM back") {
    f.listener.calls.clear();
    REQUIRE(space.update([&] { f.root.remove_subregion(f.window); }));
    CHECK(f.listener.calls == Lines{"del ram 0x0+0x4000 @0x0", "del window 0x4000+0x1000 @0x0",
                                    "del ram 0x5000+0xb000 @0x5000", "add ram 0x0+0x10000 @0x0"});
  }
}

TEST_CASE("unchanged ranges cause no call") {
  Fixture f;
  Region& rom = f.tree.rom("rom", 0x1000);
  f.root.add_subregion(0x20000, rom);
  AddressSpace space("test", f.root, 0);
  REQUIRE(space.add_listener(f.listener));
  f.listener.calls.clear();
  REQUIRE(space.update([&] { rom.set_rom_writable(true); }));
  CHECK(f.listener.calls == Lines{"del rom 0x20000+0x1000 @0x0 ro", "add rom 0x20000+0x1000 @0x0"});
  f.listener.calls.clear();
  REQUIRE(space.update([] {}));
  CHECK(f.listener.calls.empty());
}

TEST_CASE("nested transactions notify once, at the outermost commit") {
  Fixture f;
  AddressSpace space("test", f.root, 0);
  REQUIRE(space.add_listener(f.listener));
  f.listener.calls.clear();
  REQUIRE(space.update([&] {
    CHECK(space.update([&] { f.root.add_subregion(0x4000, f.window, 1); }));
    CHECK(f.listener.calls.empty());
    f.window.set_address(0x8000);
  }));
  CHECK(f.listener.calls == Lines{"del ram 0x0+0x10000 @0x0", "add ram 0x0+0x8000 @0x0",
                                  "add window 0x8000+0x1000 @0x0", "add ram 0x9000+0x7000 @0x9000"});
}

namespace {

// Records like RecordingListener, but refuses one call: the first whose description starts
// with `refused` ("add ram", "del window", ...).
class RefusingListener final : public Listener {
public:
  explicit RefusingListener(std::string refused) : m_refused(std::move(refused)) {}
  slotbox::Result<void> region_del(const FlatRange& range) override { return hear("del " + describe(range)); }
  slotbox::Result<void> region_add(const FlatRange& range) override { return hear("add " + describe(range)); }
  Lines calls;

private:
  slotbox::Result<void> hear(std::string call) {
    if (call.starts_with(m_refused)) return slotbox::fail(slotbox::Error::bad_input("listener", "refused " + call));
    calls.push_back(std::move(call));
    return {};
  }
  std::string m_refused;
};

} // namespace

TEST_CASE("a listener's failure comes back from the update that caused it") {
  Fixture f;
  AddressSpace space("test", f.root, 0);
  RefusingListener refusing("add window");
  REQUIRE(space.add_listener(refusing));
  REQUIRE(space.add_listener(f.listener));
  refusing.calls.clear();
  f.listener.calls.clear();
  auto updated = space.update([&] { f.root.add_subregion(0x4000, f.window, 1); });
  REQUIRE_FALSE(updated);
  CHECK(updated.error().message() == "listener: refused add window 0x4000+0x1000 @0x0");

  SUBCASE("the failing listener hears no more of that change") {
    CHECK(refusing.calls == Lines{"del ram 0x0+0x10000 @0x0", "add ram 0x0+0x4000 @0x0"});
  }
  SUBCASE("the other listeners hear all of it") {
    CHECK(f.listener.calls.size() == 4);
  }
  SUBCASE("the view has moved on, and the next change is told against it") {
    CHECK(space.view().ranges().size() == 3);
    refusing.calls.clear();
    CHECK(space.update([&] { f.root.remove_subregion(f.window); }));
    CHECK(refusing.calls.back() == "add ram 0x0+0x10000 @0x0");
  }
}

TEST_CASE("a listener that refuses the current view fails add_listener") {
  Fixture f;
  AddressSpace space("test", f.root, 0);
  RefusingListener refusing("add ram");
  auto added = space.add_listener(refusing);
  REQUIRE_FALSE(added);
  CHECK(added.error().message() == "listener: refused add ram 0x0+0x10000 @0x0");
}

TEST_CASE("a nested update leaves the outcome to the outermost") {
  Fixture f;
  AddressSpace space("test", f.root, 0);
  RefusingListener refusing("add window");
  REQUIRE(space.add_listener(refusing));
  slotbox::Result<void> inner;
  auto outer = space.update([&] { inner = space.update([&] { f.root.add_subregion(0x4000, f.window, 1); }); });
  CHECK(inner);
  CHECK_FALSE(outer);
}

TEST_CASE("accesses dispatch through the flat view") {
  Fixture f;
  Region& rom = f.tree.rom("rom", 0x1000);
  f.root.add_subregion(0x20000, rom);
  f.root.add_subregion(0x4000, f.window, 1);
  AddressSpace space("test", f.root, 0xFFFFFFFFFFFFFFFF);

  SUBCASE("RAM reads and writes host memory, little-endian") {
    space.write(0x100, 4, 0x11223344);
    CHECK(f.ram.host()[0x100] == 0x44);
    CHECK(space.read(0x100, 2) == 0x3344);
  }
  SUBCASE("ROM writes are dropped and counted") {
    rom.host()[0] = 0x5A;
    space.write(0x20000, 1, 0xFF);
    CHECK(rom.host()[0] == 0x5A);
    CHECK(space.read(0x20000, 1) == 0x5A);
    CHECK(space.counters().rom_writes_dropped == 1);
  }
  SUBCASE("MMIO gets the offset into its region") {
    CHECK(space.read(0x4010, 4) == 0xAB);
    CHECK(f.device.last_read == std::pair<uint64_t, unsigned>{0x10, 4});
    space.write(0x4008, 2, 0x12345);
    CHECK(f.device.last_write_offset == 0x8);
    CHECK(f.device.last_value == 0x2345);
  }
  SUBCASE("unassigned reads return the configured value truncated to the access") {
    CHECK(space.read(0x30000, 2) == 0xFFFF);
    space.write(0x30000, 4, 1);
    CHECK(space.counters().unassigned_reads == 1);
    CHECK(space.counters().unassigned_writes == 1);
  }
  SUBCASE("an access straddling RAM and unassigned space is split byte-wise") {
    std::memset(f.ram.host() + 0xFFFE, 0x77, 2);

    
    CHECK(space.read(0xFFFE, 4) == 0xFFFF7777);
  }
}

TEST_CASE("an access after a commit goes where the new view says, not where the last one went") {
  Fixture f;
  AddressSpace space("test", f.root, 0xFFFFFFFFFFFFFFFF);
  space.write(0x20010, 4, 1);  // unassigned: the gap above the RAM is now the last span
  CHECK(space.counters().unassigned_writes == 1);
  REQUIRE(space.update([&] { f.root.add_subregion(0x20000, f.window); }));
  space.write(0x20010, 4, 0x1234);
  CHECK(f.device.last_write_offset == 0x10);
  CHECK(f.device.last_value == 0x1234);
  CHECK(space.counters().unassigned_writes == 1);
  REQUIRE(space.update([&] { f.window.set_enabled(false); }));
  CHECK(space.read(0x20010, 2) == 0xFFFF);  // gone again: unassigned
  CHECK(space.counters().unassigned_reads == 1);
}

TEST_CASE("repeated accesses hit the same range or gap, and a neighbouring one is found anew") {
  Fixture f;
  Region& rom = f.tree.rom("rom", 0x1000);
  f.root.add_subregion(0x20000, rom);
  AddressSpace space("test", f.root, 0xFFFFFFFFFFFFFFFF);
  for (int i = 0; i < 3; ++i) space.write(0x20000 + i, 1, 0xFF);  // the ROM: dropped
  space.write(0x21000, 1, 0xFF);                                   // just past it: unassigned
  space.write(0x1FFFF, 1, 0xFF);                                   // just before it: unassigned
  space.write(0xFFFF, 1, 0x42);                                    // the RAM's last byte
  CHECK(space.counters().rom_writes_dropped == 3);
  CHECK(space.counters().unassigned_writes == 2);
  CHECK(f.ram.host()[0xFFFF] == 0x42);
  CHECK(space.read(0xFFFF, 2) == 0xFF42);  // straddles the RAM's end and the gap after it
}

// UINT64_MAX unmapped gets an empty span (FlatView::span_at): no access ever hits it, so
// each one searches, and the access after the search must go on from that span rather
// than test for a hit again (it would search for ever).
TEST_CASE("an unmapped last address, UINT64_MAX, is unassigned every time it is accessed") {
  Fixture f;
  AddressSpace space("test", f.root, 0xFFFFFFFFFFFFFFFF);
  for (int i = 0; i < 2; ++i) {
    CHECK(space.read(UINT64_MAX, 1) == 0xFF);
    space.write(UINT64_MAX, 1, 0x42);
  }
  CHECK(space.counters().unassigned_reads == 2);
  CHECK(space.counters().unassigned_writes == 2);
}
