// A measurement a guest reported with metric() (guest/include/slotbox/metric.h), parsed
// from its console line:
//   # metric NAME VALUE UNIT
// NAME and UNIT are single words, VALUE an unsigned decimal integer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slotbox::cli {

struct Metric {
  std::string name;
  uint64_t value = 0;
  std::string unit;  // "-" when the guest gave none

  bool operator==(const Metric&) const = default;
};

// Nothing for any other line, a malformed metric line included (it stays a comment).
std::optional<Metric> parse_metric_line(std::string_view line);

} // namespace slotbox::cli
