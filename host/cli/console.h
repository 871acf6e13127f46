// The guest's serial console as the host shows it: split into lines, control characters
// made visible (a wild guest must not drive the user's terminal), each line printed as it
// completes and tallied as a TAP check line.
#pragma once

#include "host/cli/tap_tally.h"

#include <cstdio>
#include <string>

namespace slotbox::cli {

class Console {
public:
  // Lines longer than this are split; a guest that never sends '\n' stays bounded.
  static constexpr size_t kMaxLine = 4096;

  explicit Console(std::FILE* out) : m_out(out) {}
  void put(char byte);
  void flush();  // prints a last unterminated line
  const CheckCounts& counts() const { return m_counts; }

private:
  void end_line();
  std::FILE* m_out;
  std::string m_line;
  CheckCounts m_counts;
};

} // namespace slotbox::cli
