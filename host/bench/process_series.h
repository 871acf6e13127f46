// Commands run as repeated whole-process trials, after one warm-up run each that is not
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

struct Command {
  std::vector<std::string> argv;
  int expected_exit = 0;
  bool fixed_layout = false;  // ASLR off (SpawnOptions, process_trial.h)
};

// The commands' trials taken in turn (A B C A B C ...), so a machine that slows down or
// speeds up during the run weighs on every command alike and their ratios stay fair.
// Fails, naming the command and its last stderr line, when any run exits with another
// code than its `expected_exit`.
Result<std::vector<ProcessSeries>> run_interleaved(const std::vector<Command>& commands, unsigned trials);

} // namespace slotbox::bench
