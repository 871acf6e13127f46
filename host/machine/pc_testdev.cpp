#include "host/machine/pc_testdev.h"

#include <sys/mman.h>

#include <cstring>

namespace slotbox::machine {
namespace {

uint32_t byte_mask(uint64_t offset, unsigned size) {
  uint32_t bits = size >= 4 ? ~0u : (1u << (8 * size)) - 1;
  return bits << (8 * (offset & 3));
}

constexpr unsigned kFlushWidth = 4;  // QEMU accepts only 32-bit writes at 0xE4
constexpr unsigned kIrqLineWidth = 1;

} // namespace

uint64_t PcTestdev::read_scratch(uint64_t offset, unsigned size) const {
  return (m_scratch & byte_mask(offset, size)) >> (8 * (offset & 3));
}

void PcTestdev::write_scratch(uint64_t offset, unsigned size, uint64_t value) {
  uint32_t mask = byte_mask(offset, size);
  m_scratch = (m_scratch & ~mask) | (static_cast<uint32_t>(value << (8 * (offset & 3))) & mask);
}

uint64_t PcTestdev::IoportByte::read(uint64_t offset, unsigned size) {
  uint64_t value = 0;
  for (unsigned i = 0; i < size && offset + i < kIoportSize; ++i)
    value |= dev.read_scratch(offset + i, 1) << (8 * i);
  return value;
}

void PcTestdev::IoportByte::write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size && offset + i < kIoportSize; ++i)
    dev.write_scratch(offset + i, 1, (value >> (8 * i)) & 0xFF);
}

void PcTestdev::Flush::write(uint64_t, unsigned size, uint64_t value) {
  if (size == kFlushWidth) dev.flush_page(value & ~(kPageSize - 1));
}

// QEMU's mprotect(PROT_NONE) then mprotect(PROT_READ|PROT_WRITE): the contents stay, but
// the kernel's MMU notifier makes KVM drop its mapping of the page.
void PcTestdev::flush_page(uint64_t gpa) {
  uint8_t* host = m_guest_page ? m_guest_page(gpa) : nullptr;
  if (!host) return;
  mprotect(host, kPageSize, PROT_NONE);
  mprotect(host, kPageSize, PROT_READ | PROT_WRITE);
  ++m_pages_flushed;
}

void PcTestdev::IrqLines::write(uint64_t offset, unsigned size, uint64_t value) {
  if (size == kIrqLineWidth && dev.m_irq_line) dev.m_irq_line(static_cast<int>(offset), value != 0);
}

uint64_t PcTestdev::Iomem::read(uint64_t offset, unsigned size) {
  uint64_t value = 0;
  std::memcpy(&value, buffer.data() + offset, size);
  return value;
}

void PcTestdev::Iomem::write(uint64_t offset, unsigned size, uint64_t value) {
  std::memcpy(buffer.data() + offset, &value, size);
}

} // namespace slotbox::machine
