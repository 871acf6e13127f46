#include "host/machine/exit_counters.h"

namespace slotbox::machine {

std::map<uint32_t, uint64_t> ExitCounters::by_reason() const {
  std::map<uint32_t, uint64_t> reasons = m_other_reasons;
  for (uint32_t reason = 0; reason < kReasonSlots; ++reason)
    if (m_by_reason[reason]) reasons[reason] = m_by_reason[reason];
  return reasons;
}

uint64_t ExitCounters::of_reason(uint32_t reason) const {
  if (reason < kReasonSlots) return m_by_reason[reason];
  auto found = m_other_reasons.find(reason);
  return found == m_other_reasons.end() ? 0 : found->second;
}

AccessCount* ExitCounters::find_or_add(std::map<uint64_t, AccessCount>& counts, LastHit& last, uint64_t address) {
  auto found = counts.find(address);
  if (found == counts.end()) {
    if (counts.size() >= kMaxAddresses) return &m_pooled;  // not the last hit: the next new address is pooled too
    found = counts.emplace(address, AccessCount{}).first;
  }
  last = {address, &found->second};
  return last.count;
}

AccessCount ExitCounters::sum(const std::map<uint64_t, AccessCount>& counts, uint64_t start, uint64_t end) {
  AccessCount total;
  for (auto it = counts.lower_bound(start); it != counts.end() && it->first < end; ++it) {
    total.reads += it->second.reads;
    total.writes += it->second.writes;
  }
  return total;
}

} // namespace slotbox::machine
