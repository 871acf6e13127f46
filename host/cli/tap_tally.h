// Counts the TAP check lines a guest prints ("ok N - name", "not ok N - name # ...",
// "ok N - name # SKIP reason") as its console streams by.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace slotbox::cli {

struct CheckCounts {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;

  uint64_t total() const { return passed + failed + skipped; }
  CheckCounts& operator+=(const CheckCounts& other) {
    passed += other.passed;
    failed += other.failed;
    skipped += other.skipped;
    return *this;
  }
};

// Classifies one console line; lines that are not check results change nothing.
void tally_line(std::string_view line, CheckCounts& counts);

} // namespace slotbox::cli
