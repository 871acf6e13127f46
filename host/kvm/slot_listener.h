// Turns the RAM and ROM ranges of a flat view into KVM memory slots (DESIGN.md §2):
// page-aligned (sub-page edges stay MMIO), KVM_MEM_READONLY for read-only ranges, slot
// ids recycled. MMIO ranges get no slot: accesses there exit to userspace.
#pragma once

#include "host/base/error.h"
#include "host/kvm/memory_slot.h"
#include "host/memory/listener.h"

#include <map>
#include <optional>
#include <vector>

namespace slotbox::kvm {

class SlotListener final : public memory::Listener {
public:
  explicit SlotListener(MemorySlotTable& table) : m_table(table) {}

  void region_del(const memory::FlatRange& range) override;
  void region_add(const memory::FlatRange& range) override;
  // KVM lets KVM_MEM_LOG_DIRTY_PAGES change on a live slot: one call, same slot id.
  void log_start(const memory::FlatRange& range) override;
  void log_stop(const memory::FlatRange& range) override;

  // The pages of `region` the guest wrote since the last call, as offsets into the region,
  // from KVM_GET_DIRTY_LOG on every slot that shows it with logging on.
  Result<std::vector<uint64_t>> dirty_pages(const memory::Region& region);

  // Listener calls cannot return errors; the first one is kept here and every later
  // call is skipped, so the caller checks this after each commit.
  Result<void> status() const;
  // The live slots, ordered by guest-physical address.
  std::vector<MemorySlot> slots() const;
  // The slot a flat range becomes (id 0), or nothing for MMIO and sub-page RAM.
  static std::optional<MemorySlot> slot_for(const memory::FlatRange& range);

private:
  std::optional<uint32_t> allocate_id();
  // One KVM_SET_USER_MEMORY_REGION; false (and the error kept) when it fails.
  bool apply(const MemorySlot& slot);
  void set_logging(const memory::FlatRange& range, bool on);

  // A live slot and where its memory sits in its region.
  struct Entry {
    MemorySlot slot;
    const memory::Region* region;
    uint64_t region_offset;
  };

  MemorySlotTable& m_table;
  std::map<uint64_t, Entry> m_slots_by_gpa;
  std::vector<bool> m_id_in_use;
  std::optional<Error> m_error;
};

} // namespace slotbox::kvm
