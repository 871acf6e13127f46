// A KVM memory slot and the table that holds them. Vm is the real table; the slot
// listener only needs this much, so its logic can be tested without /dev/kvm.
#pragma once

#include "host/base/error.h"

#include <cstdint>
#include <vector>

namespace slotbox::kvm {

struct MemorySlot {
  uint32_t id = 0;
  uint32_t flags = 0;  // KVM_MEM_READONLY, KVM_MEM_LOG_DIRTY_PAGES
  uint64_t gpa = 0;
  uint64_t size = 0;   // 0 deletes the slot
  uint8_t* host = nullptr;
  friend bool operator==(const MemorySlot&, const MemorySlot&) = default;
};

class MemorySlotTable {
public:
  virtual ~MemorySlotTable() = default;
  // One KVM_SET_USER_MEMORY_REGION.
  virtual Result<void> set_memory_slot(const MemorySlot& slot) = 0;
  virtual uint32_t max_memory_slots() const = 0;
  // KVM_GET_DIRTY_LOG: one bit per 4 KiB page of the slot, set where the guest wrote since
  // the last call (which clears them).
  virtual Result<std::vector<uint64_t>> dirty_log(const MemorySlot& slot) = 0;
};

} // namespace slotbox::kvm
