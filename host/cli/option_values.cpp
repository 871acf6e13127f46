#include "host/cli/option_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

namespace slotbox::cli {

Result<std::chrono::milliseconds> parse_timeout(const std::string& text) {
  auto bad = [&](const std::string& reason) { return fail(Error::bad_input("--timeout \"" + text + "\"", reason)); };
  double seconds = 0;
  auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), seconds, std::chars_format::fixed);
  if (text.empty() || error != std::errc() || rest != text.data() + text.size() || !std::isfinite(seconds))
    return bad("not a number of seconds (try 10 or 0.5)");
  if (!(seconds > 0) || seconds > kMaxTimeoutSeconds) return bad("must be more than 0 and at most 86400 seconds");
  // Up to the next millisecond, from the microsecond the text is nearest to: a decimal such
  // as 2.007 is 2.00699999... as a double, and ceil(seconds * 1000) made it 2008 ms.
  int64_t microseconds = std::llround(seconds * 1e6);
  return std::chrono::milliseconds(std::max<int64_t>(1, (microseconds + 999) / 1000));
}

Result<ReportFormat> parse_report_format(const std::string& text) {
  static const std::map<std::string, ReportFormat> kFormats = {
      {"text", ReportFormat::kText}, {"tap", ReportFormat::kTap}, {"json", ReportFormat::kJson}, {"junit", ReportFormat::kJunit}};
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  auto found = kFormats.find(lower);
  if (found == kFormats.end())
    return fail(Error::bad_input("--format \"" + text + "\"", "must be text, tap, json or junit"));
  return found->second;
}

} // namespace slotbox::cli
