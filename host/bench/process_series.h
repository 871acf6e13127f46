// A command run as repeated whole-process trials, after one warm-up run that is not
// counted (it pulls the binary and its libraries into the page cache).
#pragma once

#include "host/base/error.h"
#include "host/bench/process_trial.h"
#include "host/bench/samples.h"

#include <string>
#include <vector>

namespace slotbox::bench {

struct ProcessSeries {
  Summary wall_ms;
  std::string stderr_tail;  // of the last trial
};

// Fails, naming the command and its last stderr line, when any run exits with another
// code than `expected_exit`.
Result<ProcessSeries> run_series(const std::vector<std::string>& argv, unsigned trials, int expected_exit = 0);

} // namespace slotbox::bench
