// The slotbox test device at abi::kTestDeviceBase in the MMIO hole (registers in abi.h):
// an id, an 8-byte scratch register readable and writable at every width, and counters
// of the accesses made to them, so a guest can check that each access was one exit.
#pragma once

#include "host/memory/region.h"
#include "slotbox/abi.h"

#include <cstdint>
#include <cstring>

namespace slotbox::machine {

class TestDevice final : public memory::MmioHandler {
public:
  uint64_t read(uint64_t offset, unsigned size) override {
    namespace reg = abi::test_device;
    if (offset >= reg::kReads && offset + size <= reg::kReads + 8) return field(m_reads, offset - reg::kReads, size);
    if (offset >= reg::kWrites && offset + size <= reg::kWrites + 8) return field(m_writes, offset - reg::kWrites, size);
    ++m_reads;
    if (offset + size <= reg::kId + 4) return field(reg::kIdValue, offset - reg::kId, size);
    if (offset >= reg::kScratch && offset + size <= reg::kScratch + 8) return field(m_scratch, offset - reg::kScratch, size);
    return 0;
  }
  void write(uint64_t offset, unsigned size, uint64_t value) override {
    namespace reg = abi::test_device;
    ++m_writes;
    if (offset >= reg::kScratch && offset + size <= reg::kScratch + 8)
      std::memcpy(reinterpret_cast<uint8_t*>(&m_scratch) + (offset - reg::kScratch), &value, size);
  }

private:
  static uint64_t field(uint64_t value, uint64_t byte, unsigned size) {
    uint64_t shifted = value >> (8 * byte);
    return size >= 8 ? shifted : shifted & ((1ull << (8 * size)) - 1);
  }
  uint64_t m_scratch = 0;
  uint64_t m_reads = 0;
  uint64_t m_writes = 0;
};

} // namespace slotbox::machine
