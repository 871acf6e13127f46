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
  kSkipped,  // a kvm-unit-tests kernel that skipped itself (exit code 38, QEMU's 77)
};

// The run itself as a check, where the guest could not report one.
struct RunCheck {
  bool passed;
  std::string name;
  std::string detail;
  bool skipped = false;
};

struct Verdict {
  VerdictKind kind;
  std::string text;  // "passed (guest exit: status 0)", "CRASHED (timeout: ..., expected guest exit)"
  std::optional<RunCheck> run_check;
};

Verdict judge(const loader::Expectation& expected, const RunEnd& end, uint64_t failed_checks,
              const kvm::Backend& backend);

// kvm-unit-tests' exit codes, written to isa-debug-exit (QEMU exits with (code << 1) | 1,
// which its runner reads): 0 passed, 1 failures, 38 skipped, anything else (or any end
// but an exit) an abort. summary: the kernel's SUMMARY line, shown in the verdict.
inline constexpr uint32_t kKutExitPass = 0, kKutExitFail = 1, kKutExitSkip = 38;
Verdict judge_kernel(const RunEnd& end, uint64_t failed_checks, const std::string& summary);

} // namespace slotbox::machine
