#include "host/machine/fw_cfg.h"

namespace slotbox::machine {
namespace {

constexpr uint64_t kSelectorOffset = 0;
constexpr unsigned kSelectorWidth = 2;
constexpr uint16_t kNoGraphicValue = 1;  // kvm-unit-tests runs QEMU with -nographic
constexpr uint32_t kIrq0OverrideValue = 1;  // QEMU with KVM's in-kernel irqchip allows it

} // namespace

FwCfg::FwCfg(const PcLayout& layout, uint32_t cpu_count) {
  m_items[kSignature] = {'Q', 'E', 'M', 'U'};
  add(kId, kIdTraditional, 4);
  m_items[kUuid] = std::vector<uint8_t>(16, 0);  // QEMU without -uuid: all zero
  add(kRamSize, layout.ram_size, 8);
  add(kNoGraphic, kNoGraphicValue, 2);
  add(kNbCpus, cpu_count, 2);
  add(kBootMenu, 0, 2);
  // QEMU's MAX_CPUS is the APIC id limit: with -smp N and no other topology, N.
  add(kMaxCpus, cpu_count, 2);
  add(kIrq0Override, kIrq0OverrideValue, 4);
}

// Items are little-endian, as QEMU's fw_cfg_add_i16/i32/i64 store them.
void FwCfg::add(uint16_t key, uint64_t value, unsigned bytes) {
  std::vector<uint8_t> data(bytes);
  for (unsigned i = 0; i < bytes; ++i) data[i] = static_cast<uint8_t>(value >> (8 * i));
  m_items[key] = std::move(data);
}

void FwCfg::select(uint16_t key) {
  m_offset = 0;
  auto item = m_items.find(static_cast<uint16_t>(key & ~kWriteChannel));
  m_current = item == m_items.end() ? nullptr : &item->second;
}

uint8_t FwCfg::read_byte() {
  if (!m_current || m_offset >= m_current->size()) return 0;
  return (*m_current)[m_offset++];
}

// QEMU's port pair accepts byte reads at either port (both read data), a 16-bit write to
// the selector, and byte writes (data writes, ignored since QEMU 2.4). Anything else is an
// invalid access: reads give 0, writes do nothing.
uint64_t FwCfg::read(uint64_t, unsigned size) { return size == 1 ? read_byte() : 0; }

void FwCfg::write(uint64_t offset, unsigned size, uint64_t value) {
  if (offset == kSelectorOffset && size == kSelectorWidth) select(static_cast<uint16_t>(value));
}

} // namespace slotbox::machine
