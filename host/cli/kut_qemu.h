// The same kvm-unit-tests section under QEMU, as kvm-unit-tests' own x86/run starts it
// (-kernel, pc-testdev, isa-debug-exit at 0xF4, pci-testdev, the section's QEMU options),
// for `slotbox kut --compare-qemu`: QEMU's verdict is the reference slotbox must agree
// with, and its wall time the baseline of the speed-up.
#pragma once

#include "host/base/error.h"

#include <chrono>
#include <string>
#include <vector>

namespace slotbox::cli {

struct QemuSection {
  std::string kernel;                    // path of the .flat file
  unsigned smp = 1;
  std::vector<std::string> qemu_params;  // the section's, as written
  std::vector<std::string> append;       // test_args
  std::chrono::milliseconds timeout;
};

// kNotStarted: QEMU refused the command line (an option this QEMU lacks), whatever its
// status; kvm-unit-tests' runner reports that as "QEMU Aborted".
enum class QemuVerdict { kPass, kFail, kSkip, kAbort, kTimeout, kNotStarted };

struct QemuRun {
  QemuVerdict verdict;
  int status = 0;           // QEMU's exit status, (code << 1) | 1 for the kernel's code
  double elapsed_ms = 0;    // spawn to exit
  std::string summary;      // the kernel's SUMMARY: line, or QEMU's own error
};

const char* qemu_verdict_name(QemuVerdict verdict);  // "PASS", "FAIL", "SKIP", "ABORT", "TIMEOUT", "NOT STARTED"

// Errors when QEMU cannot be started at all (not installed: kUnavailable) or its output
// cannot be read.
Result<QemuRun> run_under_qemu(const QemuSection& section);

} // namespace slotbox::cli
