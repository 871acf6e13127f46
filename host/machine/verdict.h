// The verdict on one run: how it ended against what the image declared (its header), on
// the backend it ran on. A negative image (a timeout, a triple fault, a crash ...) passes
// when it ends as declared; any other end the image did not declare fails the run.
#pragma once

#include "host/kvm/backend.h"
#include "host/loader/rom_image.h"
#include "host/machine/run_end.h"

#include <cstdint>
#include <optional>
#include <string>

namespace slotbox::machine {

enum class VerdictKind {
  kPassed,   // every check passed and the run ended as declared
  kFailed,   // a check failed, or the guest exited with another status
  kCrashed,  // an end the image did not declare: crash, triple fault, timeout, host error
};

// The run itself as a check, where the guest could not report one.
struct RunCheck {
  bool passed;
  std::string name;
  std::string detail;
};

struct Verdict {
  VerdictKind kind;
  std::string text;  // "passed (guest exit: status 0)", "CRASHED (timeout: ..., expected guest exit)"
  std::optional<RunCheck> run_check;
};

Verdict judge(const loader::Expectation& expected, const RunEnd& end, uint64_t failed_checks,
              const kvm::Backend& backend);

} // namespace slotbox::machine
