// What a Hyper-V host does for a guest's SynIC in user space (QEMU's hw/hyperv/hyperv.c):
// put a message in a vCPU's message page, or set an event flag in its event flags page,
// then signal the SINT. KVM runs the SynIC itself and reports where the guest put those
// pages (KVM_EXIT_HYPERV_SYNIC); it leaves posting to user space.
//
// A message for a slot that is still full is staged and the slot marked "message pending";
// the guest empties the slot and writes EOM, and the staged message goes in then. KVM tells
// user space of that EOM only through a resampling irqfd; slotbox looks at the staged
// slots instead, every millisecond while one is staged, on a thread of its own.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace slotbox::machine {

// Hyper-V TLFS hypercall statuses.
enum HypervStatus : uint64_t {
  kHvStatusSuccess = 0,
  kHvStatusInvalidHypercallCode = 2,
  kHvStatusInvalidHypercallInput = 3,
  kHvStatusInvalidConnectionId = 0x12,
  kHvStatusInsufficientBuffers = 0x13,
};

class SynicMessages {
public:
  static constexpr uint64_t kMessageSize = 256;         // struct hv_message: 16-byte header, 240 payload
  static constexpr uint64_t kMessagePayloadMax = 240;
  static constexpr uint64_t kEventFlagsSlotSize = 256;  // 2048 flags per SINT
  static constexpr uint32_t kSintCount = 16;

  // Host memory behind `size` bytes of guest RAM at gpa, or null.
  using GuestRam = std::function<uint8_t*(uint64_t gpa, uint64_t size)>;
  using SignalGsi = std::function<void(uint32_t gsi)>;

  explicit SynicMessages(SignalGsi signal);
  ~SynicMessages();
  SynicMessages(const SynicMessages&) = delete;
  SynicMessages& operator=(const SynicMessages&) = delete;

  void set_guest_ram(GuestRam guest_ram);  // before the guest runs
  // The SIMP and SIEFP MSR values a vCPU's guest set (bit 0 enable, page address above).
  void set_pages(uint32_t vp_index, uint64_t simp, uint64_t siefp);

  // Where to: the SINT of a VP, raised through its route's GSI.
  struct Target {
    uint32_t vp_index;
    uint32_t sint;
    uint32_t gsi;
  };
  // `key` names the sender (a connection): one staged message per sender at most.
  uint64_t post_message(uint32_t key, const Target& target, uint32_t type, const uint8_t* payload, uint32_t size);
  uint64_t set_event_flag(const Target& target, uint32_t flag);
  // Forgets what `key` had staged (its connection is gone).
  void drop_staged(uint32_t key);

  // Puts every staged message whose slot is empty now; true while some remain staged.
  bool deliver_staged();

private:
  struct Pages {
    uint64_t simp = 0;
    uint64_t siefp = 0;
  };
  struct Staged {
    Target target;
    std::vector<uint8_t> message;  // a whole struct hv_message
  };
  Pages pages_of(uint32_t vp_index) const;
  uint8_t* in_page(uint64_t msr, uint64_t offset, uint64_t size) const;
  uint8_t* message_slot(const Target& target) const;
  bool try_deliver(const Staged& staged);  // under m_lock
  bool deliver_staged_locked();
  void poll_staged();

  GuestRam m_guest_ram;
  SignalGsi m_signal;
  std::mutex m_lock;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::map<uint32_t, Pages> m_pages;
  std::map<uint32_t, Staged> m_staged;
  std::thread m_poller;  // last: started when the rest is ready
};

} // namespace slotbox::machine
