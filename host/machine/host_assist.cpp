#include "host/machine/host_assist.h"

#include <cstring>
#include <string>

namespace slotbox::machine {
namespace {

using abi::HostOp;
using abi::HostStatus;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kMaxNameLength = 64;
constexpr uint64_t kMaxDirtyRange = 64ull << 30;  // one bitmap covers at most 64 GiB
static_assert(abi::kExitReasonIo == KVM_EXIT_IO && abi::kExitReasonMmio == KVM_EXIT_MMIO);

} // namespace

uint64_t HostAssist::read(uint64_t, unsigned size) {
  return size == 4 ? abi::kHostAssistMagic : ~0ull;
}

void HostAssist::write(uint64_t offset, unsigned size, uint64_t value) {
  ++m_requests;
  abi::HostRequest request;
  uint8_t* block = m_context.map.guest_ram(value, sizeof request);
  if (offset != 0 || size != 4 || !block) {
    ++m_rejected;  // nowhere to put a status: the guest sees its kPending unchanged
    return;
  }
  std::memcpy(&request, block, sizeof request);
  HostStatus status = request.version != abi::kHostAssistVersion ? HostStatus::kBadVersion : perform(request);
  if (status != HostStatus::kOk) ++m_rejected;
  request.status = status;
  std::memcpy(block, &request, sizeof request);
}

HostStatus HostAssist::perform(abi::HostRequest& request) {
  std::memset(request.reply, 0, sizeof request.reply);
  const uint64_t* a = request.args;
  switch (request.op) {
  case HostOp::kStat: return stat(request);
  case HostOp::kTranslate: return translate(request);
  case HostOp::kExitCount: return exit_count(request);
  case HostOp::kMmioOverlay:
    return map_change(a[2] ? m_context.changes.add_mmio_overlay(a[0], a[1]) : m_context.changes.remove(a[0]));
  case HostOp::kRamAlias:
    return map_change(a[3] ? m_context.changes.add_ram_alias(a[0], a[1], a[2]) : m_context.changes.remove(a[0]));
  case HostOp::kBiosWritable:
    m_context.changes.set_bios_writable(a[0] != 0);
    return map_change({});
  case HostOp::kDirtyLog: return dirty_log(request);
  case HostOp::kSlotAt: return slot_at(request);
  case HostOp::kBackend:
    request.reply[0] = static_cast<uint64_t>(m_context.mmu);
    request.reply[1] = static_cast<uint64_t>(m_context.module);
    return HostStatus::kOk;
  case HostOp::kArguments: return arguments(request);
  }
  return HostStatus::kBadOpcode;
}

HostStatus HostAssist::map_change(const Result<void>& result) {
  if (!result) return HostStatus::kBadArgument;
  return m_context.slots.status() ? HostStatus::kOk : HostStatus::kFailed;
}

HostStatus HostAssist::stat(abi::HostRequest& request) {
  uint64_t length = request.args[1];
  const uint8_t* name = length <= kMaxNameLength ? m_context.map.guest_ram(request.args[0], length) : nullptr;
  if (!name) return HostStatus::kBadArgument;
  std::string text(reinterpret_cast<const char*>(name), strnlen(reinterpret_cast<const char*>(name), length));
  if (!m_context.vcpu_stats || !m_context.vm_stats) return HostStatus::kUnavailable;
  uint64_t source = 1;
  for (const auto* stats : {&*m_context.vcpu_stats, &*m_context.vm_stats}) {
    if (stats->has(text)) {
      auto value = stats->value(text);
      if (!value) return HostStatus::kFailed;
      request.reply[0] = *value;
      request.reply[1] = source;
      return HostStatus::kOk;
    }
    ++source;
  }
  return HostStatus::kBadArgument;
}

HostStatus HostAssist::translate(abi::HostRequest& request) {
  auto translation = m_context.caller().translate(request.args[0]);
  if (!translation) return HostStatus::kFailed;
  request.reply[0] = translation->physical_address;
  request.reply[1] = translation->valid;
  request.reply[2] = translation->writeable;
  request.reply[3] = translation->usermode;
  return HostStatus::kOk;
}

HostStatus HostAssist::exit_count(abi::HostRequest& request) {
  auto kind = static_cast<abi::ExitKind>(request.args[0]);
  uint64_t start = request.args[1], end = request.args[2];
  if (end < start && kind != abi::ExitKind::kReason) return HostStatus::kBadArgument;
  AccessCount count;
  if (kind == abi::ExitKind::kPortIo) count = m_context.exits.ports(start, end);
  else if (kind == abi::ExitKind::kMmio) count = m_context.exits.mmio(start, end);
  else if (kind == abi::ExitKind::kReason) count.reads = m_context.exits.of_reason(static_cast<uint32_t>(start));
  else return HostStatus::kBadArgument;
  request.reply[0] = count.reads;
  request.reply[1] = count.writes;
  return HostStatus::kOk;
}

// Dirty logging is switched per RAM region (QEMU's memory_region_set_log); the guest names
// a gpa range, the region is whatever RAM answers there, and the bitmap it gets back covers
// exactly its range, one bit per 4 KiB page.
HostStatus HostAssist::dirty_log(abi::HostRequest& request) {
  uint64_t gpa = request.args[1], size = request.args[2];
  if (gpa % kPage || size % kPage || size == 0 || size > kMaxDirtyRange) return HostStatus::kBadArgument;
  memory::AddressSpace& space = m_context.map.memory();
  const memory::FlatRange* range = space.view().find(gpa);
  if (!range || range->region->kind() != memory::RegionKind::kRam) return HostStatus::kBadArgument;
  memory::Region& region = *range->region;
  switch (static_cast<abi::DirtyOp>(request.args[0])) {
  case abi::DirtyOp::kStart:
  case abi::DirtyOp::kStop:
    space.begin();
    region.set_dirty_logging(static_cast<abi::DirtyOp>(request.args[0]) == abi::DirtyOp::kStart);
    space.commit();
    return m_context.slots.status() ? HostStatus::kOk : HostStatus::kFailed;
  case abi::DirtyOp::kFetch: break;
  default: return HostStatus::kBadArgument;
  }
  uint64_t pages = size / kPage;
  uint64_t bitmap_bytes = request.args[4];
  uint8_t* bitmap = bitmap_bytes >= (pages + 7) / 8 ? m_context.map.guest_ram(request.args[3], bitmap_bytes) : nullptr;
  if (!bitmap) return HostStatus::kBadArgument;
  auto dirty = m_context.slots.dirty_pages(region);
  if (!dirty) return HostStatus::kFailed;
  std::memset(bitmap, 0, (pages + 7) / 8);
  uint64_t set = 0;
  for (const memory::FlatRange& shown : space.view().ranges()) {
    if (shown.region != &region) continue;
    for (uint64_t offset : *dirty) {
      if (offset < shown.offset || offset - shown.offset >= shown.range.size) continue;
      uint64_t page_gpa = shown.range.start + (offset - shown.offset);
      if (page_gpa < gpa || page_gpa - gpa >= size) continue;
      uint64_t page = (page_gpa - gpa) / kPage;
      bitmap[page / 8] |= static_cast<uint8_t>(1u << (page % 8));
      ++set;
    }
  }
  request.reply[0] = set;
  return HostStatus::kOk;
}

HostStatus HostAssist::slot_at(abi::HostRequest& request) {
  for (const kvm::MemorySlot& slot : m_context.slots.slots()) {
    if (request.args[0] >= slot.gpa && request.args[0] - slot.gpa < slot.size) {
      request.reply[0] = 1;
      request.reply[1] = slot.gpa;
      request.reply[2] = slot.size;
      request.reply[3] = slot.flags;
      request.reply[4] = slot.id;
      const memory::FlatRange* range = m_context.map.memory().view().find(request.args[0]);
      if (range) request.reply[5] = range->offset + (request.args[0] - range->range.start);
      return HostStatus::kOk;
    }
  }
  return HostStatus::kOk;  // reply[0] = 0: no slot there
}

} // namespace slotbox::machine

namespace slotbox::machine {

HostStatus HostAssist::arguments(abi::HostRequest& request) {
  std::string joined;
  for (const std::string& argument : m_context.image_arguments) joined += argument + '\0';
  uint64_t capacity = request.args[1];
  uint8_t* buffer = m_context.map.guest_ram(request.args[0], capacity);
  if (!buffer || capacity < joined.size()) return HostStatus::kBadArgument;
  std::memcpy(buffer, joined.data(), joined.size());
  request.reply[0] = joined.size();
  return HostStatus::kOk;
}

} // namespace slotbox::machine
