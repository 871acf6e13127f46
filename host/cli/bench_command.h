// `slotbox bench [--quick] [--format text|json] [--trials N] [--touch SIZE] [--section NAME]`:
// every benchmark section (host/bench), each figure beside the baseline measured in the
// same run. Without /dev/kvm the KVM sections say they are skipped and why; the memory-map
// section runs anyway.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace slotbox::cli {

struct BenchOptions {
  bool quick = false;
  std::string format = "text";     // text or json
  unsigned trials = 0;             // 0: 20, or 5 with --quick
  std::string touch_window;        // "1G"; empty: 1 GiB, or 64 MiB with --quick
  std::vector<std::string> sections;  // empty: all
};

// Adds the `bench` sub-command and its options to the app.
CLI::App* add_bench_command(CLI::App& app, BenchOptions& options);
int bench_command(const BenchOptions& options);

} // namespace slotbox::cli
