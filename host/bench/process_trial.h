// One whole process as a cold-start trial: posix_spawn to exit, stdout and stderr to
// /dev/null, its wall time (peak_rss.h measures memory: wait4's ru_maxrss cannot).
#pragma once

#include "host/base/error.h"

#include <string>
#include <vector>

namespace slotbox::bench {

struct ProcessTrial {
  double wall_ms = 0;
  int exit_code = 0;      // -signal when killed by one
  std::string stderr_tail; // the last line it wrote on stderr, for messages
  std::string output;      // what it wrote on stdout, when asked for
};

struct SpawnOptions {
  bool fixed_layout = false;  // ASLR off (personality ADDR_NO_RANDOMIZE): code at the same addresses every run
  bool keep_output = false;   // stdout kept in ProcessTrial::output (else it goes to /dev/null)
};

// argv[0] is a path (no PATH search).
Result<ProcessTrial> run_process(const std::vector<std::string>& argv, SpawnOptions options = {});

// The directory of this executable (/proc/self/exe), where slotbox-floor is built.
std::string executable_directory();

} // namespace slotbox::bench
