// Turns the RAM and ROM ranges of a flat view into KVM memory slots (docs/design.md §2):
// page-aligned (sub-page edges stay MMIO), KVM_MEM_READONLY for read-only ranges, slot
// ids recycled. MMIO ranges get no slot: accesses there exit to userspace. A failed
// KVM_SET_USER_MEMORY_REGION comes back from the call as an error naming it, and through the
// address space to whoever committed the change.
#pragma once

#include "host/base/error.h"
#include "host/kvm/memory_slot.h"
#include "host/memory/listener.h"

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace slotbox::kvm {

class SlotListener final : public memory::Listener {
public:
  explicit SlotListener(MemorySlotTable& table) : m_table(table) {}

  Result<void> region_del(const memory::FlatRange& range) override;
  Result<void> region_add(const memory::FlatRange& range) override;
  // KVM lets KVM_MEM_LOG_DIRTY_PAGES change on a live slot: one call, same slot id.
  Result<void> log_start(const memory::FlatRange& range) override;
  Result<void> log_stop(const memory::FlatRange& range) override;

  // The pages of `region` the guest wrote since the last call, as offsets into the region,
  // from KVM_GET_DIRTY_LOG on every slot that shows it with logging on, and on every
  // logging slot of it that a map change deleted since.
  Result<std::vector<uint64_t>> dirty_pages(const memory::Region& region);

  // The live slots, ordered by guest-physical address.
  std::vector<MemorySlot> slots() const;
  // The slot a flat range becomes (id 0), or nothing for MMIO and sub-page RAM.
  static std::optional<MemorySlot> slot_for(const memory::FlatRange& range);

private:
  Result<uint32_t> allocate_id();
  // One KVM_SET_USER_MEMORY_REGION.
  Result<void> apply(const MemorySlot& slot);
  Result<void> set_logging(const memory::FlatRange& range, bool on);

  // A live slot and where its memory sits in its region.
  struct Entry {
    MemorySlot slot;
    const memory::Region* region;
    uint64_t region_offset;
  };
  // KVM_GET_DIRTY_LOG on one slot: appends its dirty pages as offsets into its region.
  Result<void> fetch_dirty_log(const Entry& entry, std::vector<uint64_t>& offsets);

  MemorySlotTable& m_table;
  std::map<uint64_t, Entry> m_slots_by_gpa;
  uint32_t m_ids_issued = 0;     // ids 0 .. m_ids_issued - 1 have been handed out
  std::set<uint32_t> m_free_ids;  // of those, the ones free again
  // Dirty pages fetched from logging slots just before their deletion, by region, until
  // dirty_pages() hands them out.
  std::map<const memory::Region*, std::vector<uint64_t>> m_dirty_in_deleted_slots;
};

} // namespace slotbox::kvm
