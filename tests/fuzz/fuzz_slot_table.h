// A KVM slot table in memory that refuses, by aborting, what KVM would refuse with EINVAL
// or EEXIST: overlapping slots, guest or host addresses or sizes off 4 KiB pages, ids at
// or past the maximum, a live slot changed in anything but its flags. tests/unit has a
// doctest one; a fuzz target needs one that aborts.
#pragma once

#include "fuzz_check.h"
#include "host/kvm/memory_slot.h"

#include <map>
#include <set>
#include <tuple>

namespace slotbox::fuzz {

class FuzzSlotTable final : public kvm::MemorySlotTable {
public:
  static constexpr uint64_t kPage = 4096;

  explicit FuzzSlotTable(uint32_t max_slots) : m_max_slots(max_slots) {}

  Result<void> set_memory_slot(const kvm::MemorySlot& slot) override {
    FUZZ_CHECK(slot.id < m_max_slots, "slot id %u, KVM allows %u", slot.id, m_max_slots);
    if (slot.size == 0) {
      FUZZ_CHECK(slots.erase(slot.id) == 1, "deleted slot %u is not live", slot.id);
      return {};
    }
    FUZZ_CHECK(slot.gpa % kPage == 0 && slot.size % kPage == 0 &&
                   reinterpret_cast<uintptr_t>(slot.host) % kPage == 0,
               "slot %u gpa 0x%llx size 0x%llx host %p is not page aligned", slot.id,
               (unsigned long long)slot.gpa, (unsigned long long)slot.size, (void*)slot.host);
    FUZZ_CHECK(slot.gpa + slot.size > slot.gpa, "slot %u wraps", slot.id);
    if (auto live = slots.find(slot.id); live != slots.end()) {
      FUZZ_CHECK(live->second.gpa == slot.gpa && live->second.size == slot.size && live->second.host == slot.host,
                 "live slot %u changed more than its flags", slot.id);
      live->second = slot;
      return {};
    }
    for (const auto& [id, other] : slots)
      FUZZ_CHECK(slot.gpa + slot.size <= other.gpa || other.gpa + other.size <= slot.gpa,
                 "slot %u [0x%llx, +0x%llx) overlaps slot %u", slot.id, (unsigned long long)slot.gpa,
                 (unsigned long long)slot.size, id);
    slots[slot.id] = slot;
    return {};
  }
  uint32_t max_memory_slots() const override { return m_max_slots; }
  // Nothing is ever written: every bitmap is clear.
  Result<std::vector<uint64_t>> dirty_log(const kvm::MemorySlot& slot) override {
    FUZZ_CHECK(slots.contains(slot.id), "dirty log of slot %u, which is not live", slot.id);
    return std::vector<uint64_t>((slot.size / kPage + 63) / 64);
  }

  // The live slots without their ids: (gpa, size, flags, host).
  std::set<std::tuple<uint64_t, uint64_t, uint32_t, uint8_t*>> contents() const {
    std::set<std::tuple<uint64_t, uint64_t, uint32_t, uint8_t*>> result;
    for (const auto& [id, slot] : slots) result.insert({slot.gpa, slot.size, slot.flags, slot.host});
    return result;
  }

  std::map<uint32_t, kvm::MemorySlot> slots;

private:
  uint32_t m_max_slots;
};

} // namespace slotbox::fuzz
