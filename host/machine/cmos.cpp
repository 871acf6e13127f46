#include "host/machine/cmos.h"

#include "slotbox/abi.h"

#include <algorithm>

namespace slotbox::machine {
namespace {

constexpr uint64_t kIndexOffset = 0;      // port 0x70
constexpr uint8_t kIndexMask = 0x7F;
constexpr uint8_t kIndexPortRead = 0xFF;      // bit 7 of the index write is the NMI mask
constexpr uint64_t kBaseMemoryKiB = 640;
constexpr uint64_t kWordMax = 0xFFFF;
constexpr uint64_t k64KiB = 64 * kKiB;
constexpr uint64_t kSixteenMiB = 16 * kMiB;

uint64_t kib_above(uint64_t size, uint64_t floor, uint64_t unit) {
  return size > floor ? (size - floor) / unit : 0;
}

} // namespace

Cmos::Cmos(const PcLayout& layout, uint32_t cpu_count) {
  namespace reg = abi::cmos;
  uint64_t low = layout.low_ram();
  set_word(reg::kBaseMemoryLow, std::min(low / kKiB, kBaseMemoryKiB));
  uint64_t extended = std::min(kib_above(low, kMiB, kKiB), kWordMax);
  set_word(reg::kExtendedMemoryLow, extended);
  set_word(reg::kExtendedMemoryLow2, extended);
  set_word(reg::kMemoryAbove16mLow, std::min(kib_above(low, kSixteenMiB, k64KiB), kWordMax));
  uint64_t above_4g = layout.high_ram() / k64KiB;
  m_registers[reg::kMemoryAbove4gLow] = static_cast<uint8_t>(above_4g);
  m_registers[reg::kMemoryAbove4gMid] = static_cast<uint8_t>(above_4g >> 8);
  m_registers[reg::kMemoryAbove4gHigh] = static_cast<uint8_t>(above_4g >> 16);
  m_registers[reg::kCpuCountMinusOne] = static_cast<uint8_t>(cpu_count - 1);
}

void Cmos::set_word(uint8_t low_index, uint64_t value) {
  m_registers[low_index] = static_cast<uint8_t>(value);
  m_registers[low_index + 1] = static_cast<uint8_t>(value >> 8);
}

uint64_t Cmos::read(uint64_t offset, unsigned) {
  // QEMU's RTC answers reads of the write-only index port with all ones.
  return offset == kIndexOffset ? kIndexPortRead : m_registers[m_index];
}

void Cmos::write(uint64_t offset, unsigned, uint64_t value) {
  if (offset == kIndexOffset) m_index = static_cast<uint8_t>(value) & kIndexMask;
  // Data writes are ignored: the memory sizes are the machine's, not the guest's.
}

} // namespace slotbox::machine
