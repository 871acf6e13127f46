#include "host/cli/kut_expected.h"

#include <array>

namespace slotbox::cli {
namespace {

// Measured with `slotbox kut DIR --compare-qemu`: each also fails under QEMU on the same
// backend, and the reason is what the kernel's own FAIL lines say.
constexpr std::array<ExpectedFailure, 0> kExpectedFailures{{}};

} // namespace

std::optional<std::string_view> expected_failure(std::string_view backend, std::string_view section) {
  for (const ExpectedFailure& entry : kExpectedFailures)
    if (entry.backend == backend && entry.section == section) return entry.reason;
  return std::nullopt;
}

} // namespace slotbox::cli
