#include "host/kvm/slot_listener.h"

#include "host/base/format.h"
#include "host/memory/region.h"

#include <linux/kvm.h>

#include <algorithm>

namespace slotbox::kvm {
namespace {

constexpr uint64_t kPageSize = 4096;

uint64_t align_up(uint64_t value) { return (value + kPageSize - 1) & ~(kPageSize - 1); }
uint64_t align_down(uint64_t value) { return value & ~(kPageSize - 1); }

} // namespace

std::optional<MemorySlot> SlotListener::slot_for(const memory::FlatRange& range) {
  memory::RegionKind kind = range.region->kind();
  if (kind != memory::RegionKind::kRam && kind != memory::RegionKind::kRom) return std::nullopt;
  uint64_t start = align_up(range.range.start);
  uint64_t end = align_down(range.range.end());
  if (end <= start) return std::nullopt;
  MemorySlot slot;
  slot.gpa = start;
  slot.size = end - start;
  slot.host = range.region->host() + range.offset + (start - range.range.start);
  slot.flags = range.readonly ? KVM_MEM_READONLY : 0;
  if (range.dirty_logging) slot.flags |= KVM_MEM_LOG_DIRTY_PAGES;
  return slot;
}

Result<void> SlotListener::apply(const MemorySlot& slot) { return m_table.set_memory_slot(slot); }

// The lowest free id, from a set of freed ones: scanning every id for a free one made
// registering n slots O(n^2) (10,000 regions took 60 ms, `slotbox bench`).
Result<uint32_t> SlotListener::allocate_id() {
  if (!m_free_ids.empty()) {
    uint32_t id = *m_free_ids.begin();
    m_free_ids.erase(m_free_ids.begin());
    return id;
  }
  if (m_ids_issued >= m_table.max_memory_slots()) {
    return fail(Error::bad_input("memory map", "needs more than the " + std::to_string(m_table.max_memory_slots()) +
                                                   " slots KVM allows (KVM_CAP_NR_MEMSLOTS)"));
  }
  return m_ids_issued++;
}

Result<void> SlotListener::region_del(const memory::FlatRange& range) {
  auto slot = slot_for(range);
  if (!slot) return {};
  auto found = m_slots_by_gpa.find(slot->gpa);
  if (found == m_slots_by_gpa.end()) return {};
  // KVM drops a slot's dirty bitmap with the slot: fetch it first, as QEMU's
  // kvm_set_phys_mem does, so a map change does not hide pages written just before it.
  const Entry& entry = found->second;
  if (entry.slot.flags & KVM_MEM_LOG_DIRTY_PAGES)
    SLOTBOX_TRY_VOID(fetch_dirty_log(entry, m_dirty_in_deleted_slots[entry.region]));
  MemorySlot deletion = entry.slot;
  deletion.size = 0;
  deletion.flags = 0;
  SLOTBOX_TRY_VOID(apply(deletion));
  m_free_ids.insert(found->second.slot.id);
  m_slots_by_gpa.erase(found);
  return {};
}

Result<void> SlotListener::region_add(const memory::FlatRange& range) {
  auto slot = slot_for(range);
  if (!slot) return {};
  slot->id = SLOTBOX_TRY(allocate_id());
  if (Result<void> applied = apply(*slot); !applied) {
    m_free_ids.insert(slot->id);
    return applied;
  }
  m_slots_by_gpa[slot->gpa] = Entry{*slot, range.region, range.offset + (slot->gpa - range.range.start)};
  return {};
}

Result<void> SlotListener::log_start(const memory::FlatRange& range) { return set_logging(range, true); }
Result<void> SlotListener::log_stop(const memory::FlatRange& range) { return set_logging(range, false); }

Result<void> SlotListener::set_logging(const memory::FlatRange& range, bool on) {
  auto slot = slot_for(range);
  if (!slot) return {};
  auto found = m_slots_by_gpa.find(slot->gpa);
  if (found == m_slots_by_gpa.end()) return {};
  MemorySlot updated = found->second.slot;
  updated.flags = on ? updated.flags | KVM_MEM_LOG_DIRTY_PAGES : updated.flags & ~KVM_MEM_LOG_DIRTY_PAGES;
  SLOTBOX_TRY_VOID(apply(updated));
  found->second.slot = updated;
  return {};
}

Result<void> SlotListener::fetch_dirty_log(const Entry& entry, std::vector<uint64_t>& offsets) {
  std::vector<uint64_t> bitmap = SLOTBOX_TRY(m_table.dirty_log(entry.slot));
  for (size_t word = 0; word < bitmap.size(); ++word)
    for (uint64_t bits = bitmap[word]; bits; bits &= bits - 1)
      offsets.push_back(entry.region_offset + (word * 64 + __builtin_ctzll(bits)) * kPageSize);
  return {};
}

Result<std::vector<uint64_t>> SlotListener::dirty_pages(const memory::Region& region) {
  std::vector<uint64_t> offsets;
  for (const auto& [gpa, entry] : m_slots_by_gpa)
    if (entry.region == &region && (entry.slot.flags & KVM_MEM_LOG_DIRTY_PAGES))
      SLOTBOX_TRY_VOID(fetch_dirty_log(entry, offsets));
  if (auto carried = m_dirty_in_deleted_slots.extract(&region))
    offsets.insert(offsets.end(), carried.mapped().begin(), carried.mapped().end());
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  return offsets;
}

std::vector<MemorySlot> SlotListener::slots() const {
  std::vector<MemorySlot> slots;
  for (const auto& [gpa, entry] : m_slots_by_gpa) slots.push_back(entry.slot);
  return slots;
}

} // namespace slotbox::kvm
