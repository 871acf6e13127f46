// The guest's serial console as the host shows it: split into lines, control characters
// made visible (a wild guest must not drive the user's terminal), each line echoed as it
// completes (text reports) and parsed for TAP check results.
#pragma once

#include "host/cli/check_result.h"

#include <cstdio>
#include <string>
#include <vector>

namespace slotbox::cli {

class Console {
public:
  // Lines longer than this are split; a guest that never sends '\n' stays bounded.
  static constexpr size_t kMaxLine = 4096;

  // echo: where lines go as they complete, or nullptr.
  explicit Console(std::FILE* echo) : m_echo(echo) {}
  void put(char byte);
  void flush();  // ends a last unterminated line
  const std::vector<CheckResult>& checks() const { return m_checks; }
  // A kvm-unit-tests kernel's last "SUMMARY: ..." line (its totals), without the prefix.
  const std::string& summary() const { return m_summary; }

private:
  void end_line();
  std::FILE* m_echo;
  std::string m_line;
  std::vector<CheckResult> m_checks;
  std::string m_summary;
};

} // namespace slotbox::cli
