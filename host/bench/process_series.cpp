#include "host/bench/process_series.h"

namespace slotbox::bench {
namespace {

std::string command_line(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

Result<ProcessTrial> run_checked(const Command& command) {
  ProcessTrial trial = SLOTBOX_TRY(run_process(command.argv, {.fixed_layout = command.fixed_layout}));
  if (trial.exit_code != command.expected_exit)
    return fail(Error{ErrorKind::kSystem, command_line(command.argv), {}, 0,
                      "exit " + std::to_string(trial.exit_code) + ", not " + std::to_string(command.expected_exit) +
                          (trial.stderr_tail.empty() ? "" : ": " + trial.stderr_tail)});
  return trial;
}

} // namespace

Result<std::vector<ProcessSeries>> run_interleaved(const std::vector<Command>& commands, unsigned trials) {
  std::vector<std::vector<double>> wall(commands.size());
  std::vector<ProcessSeries> series(commands.size());
  for (unsigned round = 0; round <= trials; ++round) {
    for (size_t i = 0; i < commands.size(); ++i) {
      ProcessTrial trial = SLOTBOX_TRY(run_checked(commands[i]));
      series[i].stderr_tail = trial.stderr_tail;
      if (round > 0) wall[i].push_back(trial.wall_ms);  // round 0 is the warm-up
    }
  }
  for (size_t i = 0; i < commands.size(); ++i) series[i].wall_ms = summarize(std::move(wall[i]));
  return series;
}

} // namespace slotbox::bench
