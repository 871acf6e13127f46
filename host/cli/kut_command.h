// `slotbox kut DIR [-g GROUP] [NAME ...] [--compare-qemu]`: kvm-unit-tests' own suite, from
// DIR/unittests.cfg, one line per section as its run_tests.sh prints them: PASS, FAIL or SKIP
// with the reason, and XFAIL/XPASS for sections the backend is known to fail
// (kut_expected.h). Each runnable section boots its kernel in a fresh VM with the section's
// vCPUs, memory, arguments, CPUID and timeout (host/loader/kut_config.h says what is
// honoured and what skips); --jobs runs sections side by side, --format gives a report.
// --skip-slow leaves out the sections the backend's list says run into their timeout there.
// --compare-qemu also runs each section under QEMU as kvm-unit-tests would, and prints
// QEMU's verdict, both wall times and the ratio.
#pragma once

#include "host/cli/run_command.h"

#include <string>
#include <vector>

namespace slotbox::cli {

struct KutOptions {
  std::string directory;
  std::vector<std::string> groups;  // -g: only sections in one of these groups
  std::vector<std::string> names;   // only these sections (and nodefault ones named here)
  bool compare_qemu = false;        // --compare-qemu
  bool skip_slow = false;           // --skip-slow: leave out what kut_expected.h says times out here
  RunOptions run;                   // --ram, --timeout (a ceiling), --jobs, --format ... as for run
};

int kut_command(const KutOptions& options);

} // namespace slotbox::cli
