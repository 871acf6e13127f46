// A KVM slot table in memory that enforces what KVM enforces: no overlapping slots, a
// slot id reused only after its deletion, flags changed in place only on a live slot.
#pragma once

#include "host/kvm/memory_slot.h"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

namespace slotbox::kvm::testing {

class FakeSlotTable final : public MemorySlotTable {
public:
  explicit FakeSlotTable(uint32_t max_slots = 4096) : m_max_slots(max_slots) {}

  Result<void> set_memory_slot(const MemorySlot& slot) override {
    ++calls;
    if (failing_errno != 0)
      return fail(Error::from_errno("KVM_SET_USER_MEMORY_REGION", "slot " + std::to_string(slot.id), failing_errno));
    if (slot.size == 0) {
      REQUIRE(slots.erase(slot.id) == 1);
      return {};
    }
    if (auto live = slots.find(slot.id); live != slots.end()) {
      // An update of a live slot may change its flags only (KVM_MEM_LOG_DIRTY_PAGES).
      REQUIRE(live->second.gpa == slot.gpa);
      REQUIRE(live->second.size == slot.size);
      REQUIRE(live->second.host == slot.host);
      ++flag_updates;
      live->second = slot;
      return {};
    }
    REQUIRE(slot.id < m_max_slots);
    for (const auto& [id, other] : slots)
      REQUIRE((slot.gpa + slot.size <= other.gpa || other.gpa + other.size <= slot.gpa));
    slots[slot.id] = slot;
    return {};
  }
  uint32_t max_memory_slots() const override { return m_max_slots; }
  Result<std::vector<uint64_t>> dirty_log(const MemorySlot& slot) override {
    std::vector<uint64_t> bitmap((slot.size / 4096 + 63) / 64);
    for (uint64_t page : dirty[slot.id]) bitmap[page / 64] |= 1ull << (page % 64);
    dirty[slot.id].clear();
    return bitmap;
  }

  // Slots without their ids: ids may differ between two registrations of the same map.
  std::set<std::tuple<uint64_t, uint64_t, uint32_t, uint8_t*>> contents() const {
    std::set<std::tuple<uint64_t, uint64_t, uint32_t, uint8_t*>> result;
    for (const auto& [id, slot] : slots) result.insert({slot.gpa, slot.size, slot.flags, slot.host});
    return result;
  }

  std::map<uint32_t, MemorySlot> slots;
  std::map<uint32_t, std::set<uint64_t>> dirty;  // pages the "guest" wrote, per slot id
  uint64_t calls = 0;
  uint64_t flag_updates = 0;
  int failing_errno = 0;  // when set, every call fails with it and changes nothing

private:
  uint32_t m_max_slots;
};

} // namespace slotbox::kvm::testing
