// The KVM slot listener over an in-memory slot table: which slots, which flags, how many
// KVM_SET_USER_MEMORY_REGION calls.
#include "fake_slot_table.h"
#include "host/kvm/slot_listener.h"
#include "host/memory/address_space.h"
#include "memory_test_support.h"

#include <doctest/doctest.h>
#include <linux/kvm.h>

#include <cerrno>

using namespace slotbox;
using namespace slotbox::memory;
using namespace slotbox::memory::testing;
using slotbox::kvm::testing::FakeSlotTable;

namespace {

struct Machine {
  Tree tree;
  Region& root = tree.container("root", 1ull << 40);
  Region& ram = tree.ram("ram", 0x100000);
  Region& rom = tree.rom("rom", 0x10000);
  NullDevice device;
  FakeSlotTable table;
  kvm::SlotListener slots{table};
  AddressSpace space{"memory", root, 0};

  Machine() {
    REQUIRE(space.update([&] {
      root.add_subregion(0, ram);
      root.add_subregion(0x200000, rom);
    }));
    REQUIRE(space.add_listener(slots));
  }
};

} // namespace

TEST_CASE("start-up registers one slot per RAM or ROM range, ROM read-only") {
  Machine m;
  CHECK(m.table.calls == 2);
  auto slots = m.slots.slots();
  REQUIRE(slots.size() == 2);
  CHECK(slots[0].gpa == 0);
  CHECK(slots[0].size == 0x100000);
  CHECK(slots[0].flags == 0);
  CHECK(slots[0].host == m.ram.host());
  CHECK(slots[1].flags == KVM_MEM_READONLY);
}

TEST_CASE("sub-page edges stay out of slots") {
  Machine m;
  Region& window = m.tree.mmio("window", 0x800, m.device);
  REQUIRE(m.space.update([&] { m.root.add_subregion(0x1800, window, 1); }));
  auto slots = m.slots.slots();
  REQUIRE(slots.size() == 3);
  CHECK(slots[0].gpa == 0x0);
  CHECK(slots[0].size == 0x1000);   // RAM 0x0-0x17ff: the half page at 0x1000 is MMIO-only
  CHECK(slots[1].gpa == 0x2000);    // RAM from 0x2000 on
  CHECK(slots[1].host == m.ram.host() + 0x2000);
}

TEST_CASE("a read-only change deletes and re-adds the slot") {
  Machine m;
  m.table.calls = 0;
  REQUIRE(m.space.update([&] { m.rom.set_rom_writable(true); }));
  CHECK(m.table.calls == 2);
  CHECK(m.slots.slots()[1].flags == 0);
}

TEST_CASE("dirty logging switches in place: one call, same slot id") {
  Machine m;
  uint32_t id = m.slots.slots()[0].id;
  m.table.calls = 0;
  REQUIRE(m.space.update([&] { m.ram.set_dirty_logging(true); }));
  CHECK(m.table.calls == 1);
  CHECK(m.table.flag_updates == 1);
  CHECK(m.slots.slots()[0].id == id);
  CHECK(m.slots.slots()[0].flags == KVM_MEM_LOG_DIRTY_PAGES);

  SUBCASE("dirty pages come back as offsets into the region") {
    m.table.dirty[id] = {0, 5, 255};
    auto pages = m.slots.dirty_pages(m.ram);
    REQUIRE(pages);
    CHECK(*pages == std::vector<uint64_t>{0x0, 0x5000, 0xFF000});
    CHECK(m.slots.dirty_pages(m.ram)->empty());  // fetching clears
  }
  SUBCASE("pages written in a slot that a change deletes are still reported") {
    m.table.dirty[id] = {3, 200};
    Region& window = m.tree.mmio("window", 0x1000, m.device);
    REQUIRE(m.space.update([&] { m.root.add_subregion(0x10000, window, 1); }));  // splits the slot
    m.table.dirty[m.slots.slots()[1].id] = {0};  // the first page after the window, in the new slot
    auto pages = m.slots.dirty_pages(m.ram);
    REQUIRE(pages);
    CHECK(*pages == std::vector<uint64_t>{0x3000, 0x11000, 0xC8000});
    CHECK(m.slots.dirty_pages(m.ram)->empty());
  }
  SUBCASE("and back off") {
    REQUIRE(m.space.update([&] { m.ram.set_dirty_logging(false); }));
    CHECK(m.table.calls == 2);
    CHECK(m.slots.slots()[0].flags == 0);
  }
}

TEST_CASE("slot ids are recycled") {
  Machine m;
  Region& window = m.tree.mmio("window", 0x1000, m.device);
  for (int round = 0; round < 50; ++round) {
    REQUIRE(m.space.update([&] { m.root.add_subregion(0x4000, window, 1); }));
    REQUIRE(m.space.update([&] { m.root.remove_subregion(window); }));
  }
  uint32_t highest = 0;
  for (const auto& slot : m.slots.slots()) highest = std::max(highest, slot.id);
  CHECK(highest < 4);
}

TEST_CASE("changing one region in a map of 1000 issues at most 3 calls") {
  Tree tree;
  Region& root = tree.container("root", 1ull << 40);
  std::vector<Region*> rams;
  for (int i = 0; i < 1000; ++i) {
    rams.push_back(&tree.ram("ram" + std::to_string(i), 0x10000));
    root.add_subregion(uint64_t(i) * 0x20000, *rams.back());
  }
  AddressSpace space("memory", root, 0);
  FakeSlotTable table;
  kvm::SlotListener slots(table);
  REQUIRE(space.add_listener(slots));
  CHECK(table.calls == 1000);
  NullDevice device;
  Region& window = tree.mmio("window", 0x1000, device);

  SUBCASE("an MMIO window over the middle of one RAM: delete, prefix, suffix") {
    table.calls = 0;
    REQUIRE(space.update([&] { root.add_subregion(500 * 0x20000 + 0x4000, window, 1); }));
    CHECK(table.calls == 3);
  }
  SUBCASE("disabling one RAM") {
    table.calls = 0;
    REQUIRE(space.update([&] { rams[700]->set_enabled(false); }));
    CHECK(table.calls == 1);
  }
  SUBCASE("moving one RAM") {
    table.calls = 0;
    REQUIRE(space.update([&] { rams[10]->set_address(0x100000000); }));
    CHECK(table.calls == 2);
  }
}

TEST_CASE("more slots than KVM allows is an error, not a crash") {
  SUBCASE("at start-up: add_listener returns it") {
    Tree tree;
    Region& root = tree.container("root", 1ull << 40);
    for (int i = 0; i < 5; ++i) root.add_subregion(uint64_t(i) * 0x20000, tree.ram("r" + std::to_string(i), 0x10000));
    AddressSpace space("memory", root, 0);
    FakeSlotTable table(/*max_slots=*/4);
    kvm::SlotListener slots(table);
    auto added = space.add_listener(slots);
    REQUIRE_FALSE(added);
    CHECK(added.error().kind == ErrorKind::kBadInput);
    CHECK(added.error().message().find("KVM_CAP_NR_MEMSLOTS") != std::string::npos);
    CHECK(table.slots.size() == 4);
  }
  SUBCASE("at a change: the update that needs one more returns it") {
    Tree tree;
    Region& root = tree.container("root", 1ull << 40);
    Region& ram = tree.ram("ram", 0x100000);
    NullDevice device;
    Region& window = tree.mmio("window", 0x1000, device);
    root.add_subregion(0, ram);
    AddressSpace space("memory", root, 0);
    FakeSlotTable table(/*max_slots=*/1);
    kvm::SlotListener slots(table);
    REQUIRE(space.add_listener(slots));
    auto split = space.update([&] { root.add_subregion(0x4000, window, 1); });  // RAM in two slots
    REQUIRE_FALSE(split);
    CHECK(split.error().message() == "memory map: needs more than the 1 slots KVM allows (KVM_CAP_NR_MEMSLOTS)");
    CHECK(table.slots.size() == 1);
  }
}

TEST_CASE("a failed KVM_SET_USER_MEMORY_REGION comes back from the update, naming the call") {
  Machine m;
  m.table.calls = 0;
  m.table.failing_errno = EINVAL;
  auto writable = m.space.update([&] { m.rom.set_rom_writable(true); });
  REQUIRE_FALSE(writable);
  CHECK(writable.error().message() == "KVM_SET_USER_MEMORY_REGION(slot 1): Invalid argument");
  CHECK(m.table.calls == 1);  // the deletion failed: the addition was not tried

  SUBCASE("the listener is not left broken: the next change goes through") {
    m.table.failing_errno = 0;
    REQUIRE(m.space.update([&] { m.rom.set_rom_writable(false); }));
    CHECK(m.slots.slots().size() == 2);
    CHECK(m.slots.slots()[1].flags == KVM_MEM_READONLY);
    CHECK(m.table.slots.size() == 2);
  }
}
