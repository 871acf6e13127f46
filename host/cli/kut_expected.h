// kvm-unit-tests sections known to fail on one backend, for a reason of that backend (or
// of the nested set-up we test it in), not of slotbox's machine: `slotbox kut` reports
// them as XFAIL with the reason, and as XPASS when they pass after all, so the list is
// kept true. A section that fails under slotbox but passes under QEMU on the same backend
// never belongs here; that is a slotbox bug.
#pragma once

#include <string_view>

namespace slotbox::cli {

struct ExpectedFailure {
  std::string_view backends;  // kvm::Backend::key()s, space-separated: "amd-npt amd-shadow"
  std::string_view section;
  std::string_view reason;
  bool ends_at_timeout = false;  // runs until the section's timeout there (`kut --skip-slow`)
};

// The entry saying `section` is expected to fail on `backend`, or nullptr.
const ExpectedFailure* expected_failure(std::string_view backend, std::string_view section);

} // namespace slotbox::cli
