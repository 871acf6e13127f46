// The guest's serial console as the host shows it: split into lines, control characters
// made visible (a wild guest must not drive the user's terminal), each line echoed as it
// completes (text reports) and parsed for TAP check results.
#pragma once

#include "host/cli/check_result.h"
#include "host/cli/metric.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace slotbox::cli {

// What a guest can make the host keep is bounded (README "Bad input and limits"): past
// echo_limit bytes of console the rest is not echoed (one "# console truncated after N
// bytes" line says so), past twice that in check results, metrics and comments kept later
// checks are counted, not listed, and later metrics and comments are dropped; either way
// the run goes on and every check still counts towards the verdict.
class Console {
public:
  // Lines longer than this are split; a guest that never sends '\n' stays bounded.
  static constexpr size_t kMaxLine = 4096;
  static constexpr uint64_t kDefaultEchoLimit = 4ull << 20;  // --console-limit

  // echo: where lines go as they complete, or nullptr.
  // colour: outcome words in colour (a terminal, terminal.h).
  explicit Console(std::FILE* echo, uint64_t echo_limit = kDefaultEchoLimit, bool colour = false)
      : m_echo(echo), m_echo_limit(echo_limit), m_listed_limit(2 * echo_limit), m_colour(colour) {}
  void put(char byte);
  void flush();  // ends a last unterminated line
  const std::vector<CheckResult>& checks() const { return m_checks; }
  // The guest's "# metric NAME VALUE UNIT" lines, parsed.
  const std::vector<Metric>& metrics() const { return m_metrics; }
  // The guest's other "#" lines (its tally, its notes), as they were printed.
  const std::vector<std::string>& comments() const { return m_comments; }
  // Checks past the listing cap: counted, not kept.
  const CheckCounts& unlisted() const { return m_unlisted; }
  // A kvm-unit-tests kernel's last "SUMMARY: ..." line (its totals), without the prefix.
  const std::string& summary() const { return m_summary; }

private:
  void end_line();
  void keep(CheckResult check);
  bool within_listing(size_t bytes);

  std::FILE* m_echo;
  uint64_t m_echo_limit;
  uint64_t m_listed_limit;
  bool m_colour;
  std::string m_line;
  uint64_t m_bytes = 0;  // console bytes the guest sent
  bool m_truncated = false;
  std::vector<CheckResult> m_checks;
  std::vector<Metric> m_metrics;
  std::vector<std::string> m_comments;
  uint64_t m_listed_bytes = 0;
  CheckCounts m_unlisted;
  std::string m_summary;
};

} // namespace slotbox::cli
