#include "host/machine/synic_messages.h"

#include <atomic>
#include <chrono>
#include <cstring>

namespace slotbox::machine {
namespace {

constexpr uint64_t kPageEnable = 1;           // bit 0 of SIMP and SIEFP
constexpr uint64_t kPageMask = ~uint64_t{0xFFF};
// struct hv_message_header: message_type (u32), payload_size (u8), message_flags (u8),
// two reserved bytes, then the sender (u64); the payload follows.
constexpr size_t kTypeOffset = 0;
constexpr size_t kPayloadSizeOffset = 4;
constexpr size_t kFlagsOffset = 5;
constexpr size_t kPayloadOffset = 16;
constexpr uint8_t kFlagMessagePending = 1;

// The guest reads and writes these words on other vCPUs while slotbox does.
std::atomic_ref<uint32_t> guest_u32(uint8_t* at) { return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(at)); }
std::atomic_ref<uint64_t> guest_u64(uint8_t* at) { return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(at)); }

} // namespace

SynicMessages::SynicMessages(SignalGsi signal) : m_signal(std::move(signal)) {
  m_poller = std::thread([this] { poll_staged(); });
}

SynicMessages::~SynicMessages() {
  {
    std::lock_guard lock(m_lock);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_poller.join();
}

void SynicMessages::set_guest_ram(GuestRam guest_ram) {
  std::lock_guard lock(m_lock);
  m_guest_ram = std::move(guest_ram);
}

void SynicMessages::set_pages(uint32_t vp_index, uint64_t simp, uint64_t siefp) {
  std::lock_guard lock(m_lock);
  m_pages[vp_index] = {simp, siefp};
}

SynicMessages::Pages SynicMessages::pages_of(uint32_t vp_index) const {
  auto pages = m_pages.find(vp_index);
  return pages == m_pages.end() ? Pages{} : pages->second;  // none set: both disabled
}

// `size` bytes at `offset` into the page a SIMP or SIEFP value names, or null while the
// guest has not enabled it.
uint8_t* SynicMessages::in_page(uint64_t msr, uint64_t offset, uint64_t size) const {
  if (!m_guest_ram || !(msr & kPageEnable)) return nullptr;
  return m_guest_ram((msr & kPageMask) + offset, size);
}

uint8_t* SynicMessages::message_slot(const Target& target) const {
  if (target.sint >= kSintCount) return nullptr;
  return in_page(pages_of(target.vp_index).simp, target.sint * kMessageSize, kMessageSize);
}

// An empty slot (type 0) takes the message, its type written last, as the guest reads it
// first; a full one is marked "pending" so that its reader writes EOM when done.
bool SynicMessages::try_deliver(const Staged& staged) {
  uint8_t* slot = message_slot(staged.target);
  if (!slot) return false;
  if (guest_u32(slot + kTypeOffset).load() != 0) {
    std::atomic_ref<uint8_t>(slot[kFlagsOffset]).fetch_or(kFlagMessagePending);
    return false;
  }
  std::memcpy(slot + kPayloadSizeOffset, staged.message.data() + kPayloadSizeOffset,
              kMessageSize - kPayloadSizeOffset);
  uint32_t type;
  std::memcpy(&type, staged.message.data() + kTypeOffset, sizeof type);
  guest_u32(slot + kTypeOffset).store(type);
  m_signal(staged.target.gsi);
  return true;
}

uint64_t SynicMessages::post_message(uint32_t key, const Target& target, uint32_t type, const uint8_t* payload,
                                     uint32_t size) {
  if (size > kMessagePayloadMax || type == 0) return kHvStatusInvalidHypercallInput;
  std::lock_guard lock(m_lock);
  if (m_staged.contains(key)) return kHvStatusInsufficientBuffers;  // one in flight per sender, as QEMU
  Staged staged{target, std::vector<uint8_t>(kMessageSize, 0)};
  std::memcpy(staged.message.data() + kTypeOffset, &type, sizeof type);
  staged.message[kPayloadSizeOffset] = static_cast<uint8_t>(size);
  std::memcpy(staged.message.data() + kPayloadOffset, payload, size);
  if (!try_deliver(staged)) {
    m_staged.emplace(key, std::move(staged));
    m_wake.notify_all();
  }
  return kHvStatusSuccess;
}

uint64_t SynicMessages::set_event_flag(const Target& target, uint32_t flag) {
  std::lock_guard lock(m_lock);
  if (target.sint >= kSintCount || flag >= kEventFlagsSlotSize * 8) return kHvStatusInvalidHypercallInput;
  uint8_t* word = in_page(pages_of(target.vp_index).siefp, target.sint * kEventFlagsSlotSize + flag / 64 * 8, 8);
  if (!word) return kHvStatusInvalidHypercallInput;
  uint64_t mask = uint64_t{1} << (flag % 64);
  if (!(guest_u64(word).fetch_or(mask) & mask)) m_signal(target.gsi);  // a flag already set is not signalled again
  return kHvStatusSuccess;
}

void SynicMessages::drop_staged(uint32_t key) {
  std::lock_guard lock(m_lock);
  m_staged.erase(key);
}

bool SynicMessages::deliver_staged() {
  std::lock_guard lock(m_lock);
  return deliver_staged_locked();
}

bool SynicMessages::deliver_staged_locked() {
  std::erase_if(m_staged, [this](const auto& entry) { return try_deliver(entry.second); });
  return !m_staged.empty();
}

void SynicMessages::poll_staged() {
  std::unique_lock lock(m_lock);
  while (!m_stopping) {
    if (m_staged.empty()) {
      m_wake.wait(lock, [this] { return m_stopping || !m_staged.empty(); });
      continue;
    }
    m_wake.wait_for(lock, std::chrono::milliseconds(1));
    deliver_staged_locked();
  }
}

} // namespace slotbox::machine
