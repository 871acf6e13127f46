// Option values CLI11 would take too loosely: `--timeout ""` read as 0, `--format xml`
// refused with its enum's numbers. Each error names the option, the text and the reason.
#pragma once

#include "host/base/error.h"
#include "host/cli/report.h"

#include <chrono>
#include <string>

namespace slotbox::cli {

inline constexpr double kMaxTimeoutSeconds = 24 * 3600;

// Seconds, decimal, more than 0 and at most a day: "10", "0.25".
Result<std::chrono::milliseconds> parse_timeout(const std::string& text);
// text, tap, json or junit, in any case.
Result<ReportFormat> parse_report_format(const std::string& text);

} // namespace slotbox::cli
