#include "host/cli/tap_tally.h"

namespace slotbox::cli {
namespace {

bool is_skip(std::string_view line) {
  auto directive = line.find(" # ");
  if (directive == std::string_view::npos) return false;
  std::string_view rest = line.substr(directive + 3);
  return rest.size() >= 4 && (rest.substr(0, 4) == "SKIP" || rest.substr(0, 4) == "skip");
}

} // namespace

void tally_line(std::string_view line, CheckCounts& counts) {
  if (line.starts_with("not ok ")) {
    ++counts.failed;
  } else if (line.starts_with("ok ")) {
    if (is_skip(line))
      ++counts.skipped;
    else
      ++counts.passed;
  }
}

} // namespace slotbox::cli
