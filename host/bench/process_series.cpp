#include "host/bench/process_series.h"

namespace slotbox::bench {
namespace {

std::string command_line(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

} // namespace

Result<ProcessSeries> run_series(const std::vector<std::string>& argv, unsigned trials, int expected_exit) {
  std::vector<double> wall;
  ProcessSeries series;
  for (unsigned i = 0; i <= trials; ++i) {
    ProcessTrial trial = SLOTBOX_TRY(run_process(argv));
    if (trial.exit_code != expected_exit)
      return fail(Error{ErrorKind::kSystem, command_line(argv), {}, 0,
                        "exit " + std::to_string(trial.exit_code) + ", not " + std::to_string(expected_exit) +
                            (trial.stderr_tail.empty() ? "" : ": " + trial.stderr_tail)});
    series.stderr_tail = trial.stderr_tail;
    if (i == 0) continue;  // the warm-up
    wall.push_back(trial.wall_ms);
  }
  series.wall_ms = summarize(std::move(wall));
  return series;
}

} // namespace slotbox::bench
