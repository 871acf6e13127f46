#include "host/cli/metric.h"

#include <charconv>

namespace slotbox::cli {
namespace {

// The next word of `rest` (up to a space or the end), taken off its front.
std::string_view next_word(std::string_view& rest) {
  size_t end = rest.find(' ');
  std::string_view word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return word;
}

} // namespace

std::optional<Metric> parse_metric_line(std::string_view line) {
  constexpr std::string_view kPrefix = "# metric ";
  if (!line.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = line.substr(kPrefix.size());
  std::string_view name = next_word(rest), value_text = next_word(rest), unit = next_word(rest);
  if (name.empty() || value_text.empty() || unit.empty() || !rest.empty()) return std::nullopt;
  Metric metric{std::string(name), 0, std::string(unit)};
  auto [end, error] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), metric.value);
  if (error != std::errc() || end != value_text.data() + value_text.size()) return std::nullopt;
  return metric;
}

} // namespace slotbox::cli
