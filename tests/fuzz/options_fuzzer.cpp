// Option values from the command line: sizes (`--ram`, `--console-limit`: parse_size),
// `--timeout` (parse_timeout) and `--format` (parse_report_format), each on the whole
// input as text. Every refusal is bad input naming the option and the text. An accepted
// size is the leading number times its unit with no overflow, and reads back the same
// from its canonical forms ("N" MiB, "NB", describe_size's "4 GiB" without the space); an
// accepted timeout is 1 ms to a day and reads back the same from "S.mmm"; a format is one
// of the four names, in any case.
#include "fuzz_check.h"
#include "host/base/format.h"
#include "host/cli/option_values.h"
#include "host/cli/size_option.h"

#include <cinttypes>
#include <cstdio>
#include <string>

using namespace slotbox;
using namespace slotbox::cli;

namespace {

void expect_same_size(const std::string& text, uint64_t bytes, const std::string& from) {
  auto again = parse_size("--ram", text);
  FUZZ_CHECK(again && *again == bytes, "\"%s\" (from \"%s\" = %" PRIu64 ") reads back as %s", text.c_str(),
             from.c_str(), bytes, again ? std::to_string(*again).c_str() : again.error().message().c_str());
}

void check_size(const std::string& text) {
  auto size = parse_size("--ram", text);
  if (!size) {
    FUZZ_CHECK(size.error().kind == ErrorKind::kBadInput && size.error().what == "--ram " + text, "%s",
               size.error().message().c_str());
    return;
  }
  uint64_t bytes = *size;
  expect_same_size(std::to_string(bytes) + "B", bytes, text);
  if (bytes % (1ull << 20) == 0) expect_same_size(std::to_string(bytes >> 20), bytes, text);
  std::string described = describe_size(bytes);  // "4 GiB", "70000 bytes"
  std::string compact = described.substr(0, described.find(' '));
  std::string unit = described.substr(described.find(' ') + 1);
  expect_same_size(compact + (unit == "bytes" ? "B" : unit), bytes, text);
}

void check_timeout(const std::string& text) {
  auto timeout = parse_timeout(text);
  if (!timeout) {
    FUZZ_CHECK(timeout.error().kind == ErrorKind::kBadInput && timeout.error().what == "--timeout \"" + text + "\"",
               "%s", timeout.error().message().c_str());
    return;
  }
  int64_t ms = timeout->count();
  FUZZ_CHECK(ms >= 1 && ms <= int64_t(kMaxTimeoutSeconds * 1000), "\"%s\" is %" PRId64 " ms", text.c_str(), ms);
  // Digits with at most three decimals are an exact number of milliseconds.
  size_t point = text.find('.');
  std::string whole = text.substr(0, point), decimals = point == std::string::npos ? "" : text.substr(point + 1);
  bool exact = !whole.empty() && whole.size() <= 5 && decimals.size() <= 3 &&
               whole.find_first_not_of("0123456789") == std::string::npos &&
               decimals.find_first_not_of("0123456789") == std::string::npos;
  if (exact) {
    int64_t expected = std::stoll(whole) * 1000 + (decimals.empty() ? 0 : std::stoll((decimals + "00").substr(0, 3)));
    FUZZ_CHECK(ms == expected, "\"%s\" is %" PRId64 " ms, not %" PRId64, text.c_str(), ms, expected);
  }
  char canonical[32];
  std::snprintf(canonical, sizeof canonical, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
  auto again = parse_timeout(canonical);
  FUZZ_CHECK(again && again->count() == ms, "\"%s\" is %" PRId64 " ms, but \"%s\" reads back as %" PRId64 " ms",
             text.c_str(), ms, canonical, again ? int64_t(again->count()) : -1);
}

void check_format(const std::string& text) {
  auto format = parse_report_format(text);
  if (!format) {
    FUZZ_CHECK(format.error().kind == ErrorKind::kBadInput, "%s", format.error().message().c_str());
    return;
  }
  FUZZ_CHECK(text.size() >= 3 && text.size() <= 5, "\"%s\" taken as a format", text.c_str());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  check_size(text);
  check_timeout(text);
  check_format(text);
  return 0;
}
