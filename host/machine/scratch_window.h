// The device behind an "mmio" region of a --map file: reads give back what was written
// (zero before), so a guest can see that its accesses reached the host; the host counts
// them.
#pragma once

#include "host/memory/region.h"

#include <cstdint>
#include <unordered_map>

namespace slotbox::machine {

class ScratchWindow final : public memory::MmioHandler {
public:
  uint64_t read(uint64_t offset, unsigned size) override {
    ++m_reads;
    uint64_t value = 0;
    for (unsigned i = 0; i < size; ++i) {
      auto byte = m_bytes.find(offset + i);
      if (byte != m_bytes.end()) value |= uint64_t{byte->second} << (8 * i);
    }
    return value;
  }
  void write(uint64_t offset, unsigned size, uint64_t value) override {
    ++m_writes;
    for (unsigned i = 0; i < size; ++i) m_bytes[offset + i] = static_cast<uint8_t>(value >> (8 * i));
  }
  uint64_t reads() const { return m_reads; }
  uint64_t writes() const { return m_writes; }

private:
  std::unordered_map<uint64_t, uint8_t> m_bytes;  // sparse: windows may be large
  uint64_t m_reads = 0;
  uint64_t m_writes = 0;
};

} // namespace slotbox::machine
