// What the host saw of the guest's exits: by KVM exit reason, and reads/writes per port and per
// MMIO address, for the host-assist exit counters and `--stats`. Bounded: a guest touching
// millions of MMIO addresses costs at most kMaxAddresses entries, the rest are pooled.
//
// Every exit is counted, so counting is the per-exit fast path: a reason is an index into
// a flat array, and a port or address the same as the last one is one compare; only a
// new port or address searches its map (out of line).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>

namespace slotbox::machine {

struct AccessCount {
  uint64_t reads = 0;
  uint64_t writes = 0;
};

class ExitCounters {
public:
  static constexpr size_t kMaxAddresses = 65536;
  // KVM's exit reasons are small numbers (KVM_EXIT_IO is 2, the largest in Linux 6.x is
  // under 64); any larger one is counted in a map instead.
  static constexpr uint32_t kReasonSlots = 64;

  ExitCounters() = default;
  ExitCounters(const ExitCounters&) = delete;  // the last hits point into this one's maps
  ExitCounters& operator=(const ExitCounters&) = delete;

  void count_reason(uint32_t reason) {  // KVM_EXIT_IO, KVM_EXIT_MMIO, ...
    if (reason < kReasonSlots)
      ++m_by_reason[reason];
    else
      ++m_other_reasons[reason];
  }
  // accesses: a rep ins/outs moves several elements through the port in one exit.
  void count_port(uint16_t port, bool write, uint32_t accesses = 1) { add(m_ports, m_last_port, port, write, accesses); }
  void count_mmio(uint64_t gpa, bool write) { add(m_mmio, m_last_mmio, gpa, write, 1); }

  // Accesses in [start, end); for MMIO, pooled accesses are not included.
  AccessCount ports(uint64_t start, uint64_t end) const { return sum(m_ports, start, end); }
  AccessCount mmio(uint64_t start, uint64_t end) const { return sum(m_mmio, start, end); }
  // The reasons seen at least once, in ascending order.
  std::map<uint32_t, uint64_t> by_reason() const;
  uint64_t of_reason(uint32_t reason) const;
  const std::map<uint64_t, AccessCount>& mmio_by_address() const { return m_mmio; }
  const std::map<uint64_t, AccessCount>& ports_by_number() const { return m_ports; }
  const AccessCount& pooled() const { return m_pooled; }

private:
  // The entry counted last: a guest loop exits on one port or address, again and again,
  // and the hit skips the map's search (std::map entries stay where they are).
  struct LastHit {
    uint64_t address = 0;
    AccessCount* count = nullptr;
  };
  void add(std::map<uint64_t, AccessCount>& counts, LastHit& last, uint64_t address, bool write, uint32_t accesses) {
    AccessCount* count = last.count && last.address == address ? last.count : find_or_add(counts, last, address);
    (write ? count->writes : count->reads) += accesses;
  }
  // The miss: the address's entry, now the last hit, or m_pooled once the map is full.
  AccessCount* find_or_add(std::map<uint64_t, AccessCount>& counts, LastHit& last, uint64_t address);
  static AccessCount sum(const std::map<uint64_t, AccessCount>& counts, uint64_t start, uint64_t end);

  std::array<uint64_t, kReasonSlots> m_by_reason{};
  std::map<uint32_t, uint64_t> m_other_reasons;
  std::map<uint64_t, AccessCount> m_ports;
  std::map<uint64_t, AccessCount> m_mmio;
  AccessCount m_pooled;
  LastHit m_last_port, m_last_mmio;
};

} // namespace slotbox::machine
