// slotbox's exit codes (docs/design.md §5, README "Exit codes").
#pragma once

#include "host/base/error.h"
#include "host/sandbox/violation_report.h"

#include <cstdio>

namespace slotbox::cli {

enum ExitCode : int {
  kExitPassed = 0,
  kExitCheckFailed = 1,
  kExitBadInput = 2,
  kExitGuestCrashed = 3,       // crashed, triple-faulted or timed out, unlike declared
  kExitKvmUnavailable = 77,    // ctest SKIP_RETURN_CODE
};

// A sandboxed vCPU thread's disallowed system call ends the process from its SIGSYS
// handler, with the code for a failure on the host's side.
static_assert(sandbox::kViolationExitCode == kExitGuestCrashed);

// SIGINT and SIGTERM end a run with 130 and 143, as a shell reports a command they killed.
inline int exit_code_for_signal(int signal) { return 128 + signal; }

inline int exit_code_for(const Error& error) {
  switch (error.kind) {
  case ErrorKind::kBadInput: return kExitBadInput;
  case ErrorKind::kUnavailable: return kExitKvmUnavailable;
  case ErrorKind::kSystem: return kExitGuestCrashed;
  }
  return kExitGuestCrashed;
}

// Prints "slotbox: <what>(<context>): <reason>" on stderr, after anything on stdout, and
// returns the exit code for the error.
inline int report_error(const Error& error) {
  std::fflush(stdout);
  std::fprintf(stderr, "slotbox: %s\n", error.message().c_str());
  return exit_code_for(error);
}

} // namespace slotbox::cli
