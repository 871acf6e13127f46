// `slotbox kut DIR [-g GROUP] [NAME ...]`: kvm-unit-tests' own suite, from DIR/unittests.cfg,
// one line per section as its run_tests.sh prints them: PASS, FAIL or SKIP with the reason.
// Each runnable section boots its kernel in a fresh VM with the section's vCPUs, memory,
// arguments and timeout (host/loader/kut_config.h says what is honoured and what skips).
#pragma once

#include "host/cli/run_command.h"

#include <string>
#include <vector>

namespace slotbox::cli {

struct KutOptions {
  std::string directory;
  std::vector<std::string> groups;  // -g: only sections in one of these groups
  std::vector<std::string> names;   // only these sections (and nodefault ones named here)
  RunOptions run;                   // --ram, --timeout (a ceiling), --trace ... as for run
};

int kut_command(const KutOptions& options);

} // namespace slotbox::cli
