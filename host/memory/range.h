// A half-open span [start, start + size) of an address space (guest-physical or port).
#pragma once

#include <cstdint>

namespace slotbox::memory {

struct Range {
  uint64_t start = 0;
  uint64_t size = 0;

  // One past the last address. Ranges may reach 2^64 only as "end == 0" is never used:
  // callers keep sizes small enough that start + size does not wrap.
  uint64_t end() const { return start + size; }
  bool contains(uint64_t address) const { return address >= start && address - start < size; }
  bool empty() const { return size == 0; }
  friend bool operator==(const Range&, const Range&) = default;
};

} // namespace slotbox::memory
