// The guest's console as the host reads it (cli::Console): bytes split into lines,
// control characters made visible, each line parsed for a TAP or kvm-unit-tests check
// (parse_check_line). The input is the console stream, with a 1 KiB echo limit so the
// caps are reached. Every line parse_check_line takes starts with a check prefix and is
// rebuilt exactly from its parts; "not ok" is a failure and "ok" a pass or a skip; every
// check is kept or counted, none lost; the checks kept stay within the cap; no kept text
// has a control character in it.
#include "fuzz_check.h"
#include "host/cli/check_result.h"
#include "host/cli/console.h"

#include <string>
#include <string_view>

using namespace slotbox::cli;

namespace {

constexpr uint64_t kEchoLimit = 1024;

bool visible(std::string_view text) {
  for (char c : text)
    if (c != '\t' && (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F)) return false;
  return true;
}

// "ok N - name", "not ok N - name", then optionally " # " and a directive: "SKIP reason"
// (or "skip") on a passing line makes a skip, anything else is the detail. The name is
// what precedes the first " # ".
bool is_tap(std::string_view line) {
  std::string_view rest = line.starts_with("not ok ") ? line.substr(7) : line.starts_with("ok ") ? line.substr(3) : "";
  size_t digits = rest.find_first_not_of("0123456789");
  return digits != 0 && digits != std::string_view::npos && rest.substr(digits, 3) == " - ";
}

void check_tap(std::string_view line, const CheckResult& check) {
  bool failed = line.starts_with("not ok ");
  std::string_view text = line.substr(line.find(" - ") + 3);
  size_t hash = text.find(" # ");
  if (hash == std::string_view::npos) {
    FUZZ_CHECK(check.name == text && check.detail.empty() && check.outcome == (failed ? Outcome::kFail : Outcome::kPass),
               "\"%.*s\" parsed as \"%s\", \"%s\"", int(line.size()), line.data(), check.name.c_str(), check.detail.c_str());
    return;
  }
  FUZZ_CHECK(check.name == text.substr(0, hash), "\"%.*s\" has name \"%s\"", int(line.size()), line.data(), check.name.c_str());
  std::string_view directive = text.substr(hash + 3);
  bool skip = !failed && (directive.starts_with("SKIP") || directive.starts_with("skip"));
  FUZZ_CHECK(check.outcome == (failed ? Outcome::kFail : skip ? Outcome::kSkip : Outcome::kPass),
             "\"%.*s\" has the wrong outcome", int(line.size()), line.data());
  std::string_view detail = !skip ? directive : directive.size() > 5 ? directive.substr(5) : "";
  FUZZ_CHECK(check.detail == detail, "\"%.*s\" has detail \"%s\"", int(line.size()), line.data(), check.detail.c_str());
}

void check_line(std::string_view line) {
  auto check = parse_check_line(line);
  if (is_tap(line)) {
    FUZZ_CHECK(check.has_value(), "\"%.*s\" is a TAP check, not parsed as one", int(line.size()), line.data());
    return check_tap(line, *check);
  }
  if (!check) return;
  FUZZ_CHECK(!line.starts_with("ok ") && !line.starts_with("not ok "), "\"%.*s\" is not a TAP check, parsed as one",
             int(line.size()), line.data());
  size_t colon = line.find(": ");
  FUZZ_CHECK(colon != std::string_view::npos && check->name == line.substr(colon + 2), "\"%.*s\" gave name \"%s\"",
             int(line.size()), line.data(), check->name.c_str());
  std::string_view prefix = line.substr(0, colon);
  FUZZ_CHECK(prefix == "PASS" || prefix == "FAIL" || prefix == "SKIP" || prefix == "XFAIL" || prefix == "XPASS" ||
                 prefix == "KFAIL",
             "\"%.*s\" is not a kvm-unit-tests prefix", int(colon), line.data());
  bool failure = prefix == "FAIL" || prefix == "XPASS";
  FUZZ_CHECK(failure == (check->outcome == Outcome::kFail), "\"%.*s\" has the wrong outcome", int(colon), line.data());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Each line on its own, as the guest wrote it.
  for (size_t start = 0; start <= input.size();) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    check_line(input.substr(start, end - start));
    start = end + 1;
  }

  Console console(nullptr, kEchoLimit);
  uint64_t expected = 0;
  std::string line;
  auto line_ends = [&] {
    if (parse_check_line(line)) ++expected;
    line.clear();
  };
  for (char byte : input) {
    console.put(byte);
    // The same line splitting, done here: '\n' ends a line, '\r' is dropped, others are
    // made visible, and a line ends at Console::kMaxLine bytes.
    if (byte == '\n') { line_ends(); continue; }
    if (byte == '\r') continue;
    line += visible(std::string_view(&byte, 1)) ? byte : '?';
    if (line.size() >= Console::kMaxLine) line_ends();
  }
  console.flush();
  if (!line.empty()) line_ends();

  uint64_t listed_bytes = 0;
  for (const CheckResult& check : console.checks()) {
    FUZZ_CHECK(visible(check.name) && visible(check.detail), "a kept check has a control character");
    listed_bytes += sizeof check + check.name.size() + check.detail.size();
  }
  FUZZ_CHECK(listed_bytes <= 2 * kEchoLimit, "%llu bytes of checks kept past the cap", (unsigned long long)listed_bytes);
  FUZZ_CHECK(console.checks().size() + console.unlisted().total() == expected, "%zu kept + %llu counted, %llu lines were checks",
             console.checks().size(), (unsigned long long)console.unlisted().total(), (unsigned long long)expected);
  return 0;
}
