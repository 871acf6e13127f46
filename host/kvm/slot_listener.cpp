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

bool SlotListener::apply(const MemorySlot& slot) {
  auto result = m_table.set_memory_slot(slot);
  if (!result) m_error = result.error();
  return result.has_value();
}

std::optional<uint32_t> SlotListener::allocate_id() {
  for (uint32_t id = 0; id < m_id_in_use.size(); ++id) {
    if (!m_id_in_use[id]) {
      m_id_in_use[id] = true;
      return id;
    }
  }
  if (m_id_in_use.size() >= m_table.max_memory_slots()) return std::nullopt;
  m_id_in_use.push_back(true);
  return static_cast<uint32_t>(m_id_in_use.size() - 1);
}

void SlotListener::region_del(const memory::FlatRange& range) {
  if (m_error) return;
  auto slot = slot_for(range);
  if (!slot) return;
  auto found = m_slots_by_gpa.find(slot->gpa);
  if (found == m_slots_by_gpa.end()) return;
  MemorySlot deletion = found->second.slot;
  deletion.size = 0;
  deletion.flags = 0;
  if (!apply(deletion)) return;
  m_id_in_use[found->second.slot.id] = false;
  m_slots_by_gpa.erase(found);
}

void SlotListener::region_add(const memory::FlatRange& range) {
  if (m_error) return;
  auto slot = slot_for(range);
  if (!slot) return;
  auto id = allocate_id();
  if (!id) {
    m_error = Error::bad_input("memory map", "needs more than the " +
                                                 std::to_string(m_table.max_memory_slots()) +
                                                 " slots KVM allows (KVM_CAP_NR_MEMSLOTS)");
    return;
  }
  slot->id = *id;
  if (!apply(*slot)) {
    m_id_in_use[*id] = false;
    return;
  }
  m_slots_by_gpa[slot->gpa] = Entry{*slot, range.region, range.offset + (slot->gpa - range.range.start)};
}

void SlotListener::log_start(const memory::FlatRange& range) { set_logging(range, true); }
void SlotListener::log_stop(const memory::FlatRange& range) { set_logging(range, false); }

void SlotListener::set_logging(const memory::FlatRange& range, bool on) {
  if (m_error) return;
  auto slot = slot_for(range);
  if (!slot) return;
  auto found = m_slots_by_gpa.find(slot->gpa);
  if (found == m_slots_by_gpa.end()) return;
  MemorySlot updated = found->second.slot;
  updated.flags = on ? updated.flags | KVM_MEM_LOG_DIRTY_PAGES : updated.flags & ~KVM_MEM_LOG_DIRTY_PAGES;
  if (!apply(updated)) return;
  found->second.slot = updated;
}

Result<std::vector<uint64_t>> SlotListener::dirty_pages(const memory::Region& region) {
  std::vector<uint64_t> offsets;
  for (const auto& [gpa, entry] : m_slots_by_gpa) {
    if (entry.region != &region || !(entry.slot.flags & KVM_MEM_LOG_DIRTY_PAGES)) continue;
    std::vector<uint64_t> bitmap = SLOTBOX_TRY(m_table.dirty_log(entry.slot));
    for (size_t word = 0; word < bitmap.size(); ++word)
      for (uint64_t bits = bitmap[word]; bits; bits &= bits - 1)
        offsets.push_back(entry.region_offset + (word * 64 + __builtin_ctzll(bits)) * kPageSize);
  }
  std::sort(offsets.begin(), offsets.end());
  return offsets;
}

Result<void> SlotListener::status() const {
  if (m_error) return fail(*m_error);
  return {};
}

std::vector<MemorySlot> SlotListener::slots() const {
  std::vector<MemorySlot> slots;
  for (const auto& [gpa, entry] : m_slots_by_gpa) slots.push_back(entry.slot);
  return slots;
}

} // namespace slotbox::kvm
