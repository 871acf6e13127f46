// One check as a guest reported it on its console, parsed from its TAP line:
//   ok N - name | not ok N - name # file:line message | ok N - name # SKIP reason
// or from a kvm-unit-tests kernel's report line: PASS: | FAIL: | SKIP: | XFAIL: | XPASS: | KFAIL: name
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotbox::cli {

enum class Outcome { kPass, kFail, kSkip };

struct CheckResult {
  Outcome outcome;
  std::string name;
  std::string detail;  // where and why it failed, or why it was skipped
};

struct CheckCounts {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;

  uint64_t total() const { return passed + failed + skipped; }
  void add(Outcome outcome);
  CheckCounts& operator+=(const CheckCounts& other);
};

// Nothing for lines that are not check results (comments, the plan, anything else).
std::optional<CheckResult> parse_check_line(std::string_view line);
CheckCounts count(const std::vector<CheckResult>& checks);

} // namespace slotbox::cli
