#include "host/machine/exit_counters.h"

namespace slotbox::machine {

void ExitCounters::count_reason(uint32_t reason) {
  if (!m_last_reason_count || m_last_reason != reason) {
    m_last_reason = reason;
    m_last_reason_count = &m_by_reason[reason];
  }
  ++*m_last_reason_count;
}

void ExitCounters::add(std::map<uint64_t, AccessCount>& counts, LastHit& last, uint64_t address, bool write) {
  if (!last.count || last.address != address) {
    auto found = counts.find(address);
    if (found == counts.end()) {
      if (counts.size() >= kMaxAddresses) {
        (write ? m_pooled.writes : m_pooled.reads)++;
        return;
      }
      found = counts.emplace(address, AccessCount{}).first;
    }
    last = {address, &found->second};
  }
  (write ? last.count->writes : last.count->reads)++;
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
