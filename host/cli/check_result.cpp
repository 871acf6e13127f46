#include "host/cli/check_result.h"

#include <cctype>

namespace slotbox::cli {
namespace {

// After "ok " or "not ok ": the number, " - ", then the name up to an optional " # ".
std::optional<CheckResult> parse_rest(std::string_view rest, Outcome outcome) {
  size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  if (digits == 0 || rest.substr(digits, 3) != " - ") return std::nullopt;
  std::string_view text = rest.substr(digits + 3);
  CheckResult result{outcome, std::string(text), {}};
  if (size_t directive = text.find(" # "); directive != std::string_view::npos) {
    result.name = std::string(text.substr(0, directive));
    result.detail = std::string(text.substr(directive + 3));
    std::string_view word = text.substr(directive + 3, 4);
    if (outcome == Outcome::kPass && (word == "SKIP" || word == "skip")) {
      result.outcome = Outcome::kSkip;
      result.detail = result.detail.size() > 5 ? result.detail.substr(5) : std::string();
    }
  }
  return result;
}

// kvm-unit-tests' report lines (lib/report.c): "PREFIX: name". Its runner counts an
// expected failure (XFAIL) and a known failure (KFAIL) as no failure, and an unexpected
// pass (XPASS) as one.
struct KutPrefix {
  std::string_view prefix;
  Outcome outcome;
  const char* detail;
};
constexpr KutPrefix kKutPrefixes[] = {
    {"PASS: ", Outcome::kPass, ""},
    {"FAIL: ", Outcome::kFail, ""},
    {"SKIP: ", Outcome::kSkip, ""},
    {"XFAIL: ", Outcome::kPass, "XFAIL: expected failure"},
    {"XPASS: ", Outcome::kFail, "XPASS: unexpected pass of an expected failure"},
    {"KFAIL: ", Outcome::kPass, "KFAIL: known failure"},
};

} // namespace

std::optional<CheckResult> parse_check_line(std::string_view line) {
  if (line.starts_with("not ok ")) return parse_rest(line.substr(7), Outcome::kFail);
  if (line.starts_with("ok ")) return parse_rest(line.substr(3), Outcome::kPass);
  for (const auto& kut : kKutPrefixes)
    if (line.starts_with(kut.prefix))
      return CheckResult{kut.outcome, std::string(line.substr(kut.prefix.size())), kut.detail};
  return std::nullopt;
}

void CheckCounts::add(Outcome outcome) {
  switch (outcome) {
  case Outcome::kPass: ++passed; break;
  case Outcome::kFail: ++failed; break;
  case Outcome::kSkip: ++skipped; break;
  }
}

CheckCounts& CheckCounts::operator+=(const CheckCounts& other) {
  passed += other.passed;
  failed += other.failed;
  skipped += other.skipped;
  return *this;
}

CheckCounts count(const std::vector<CheckResult>& checks) {
  CheckCounts counts;
  for (const CheckResult& check : checks) counts.add(check.outcome);
  return counts;
}

} // namespace slotbox::cli
