#include "host/cli/bench_command.h"

#include "host/bench/bench_context.h"
#include "host/bench/bench_report.h"
#include "host/bench/cold_start_bench.h"
#include "host/bench/emulation_bench.h"
#include "host/bench/exit_bench.h"
#include "host/bench/footprint_bench.h"
#include "host/bench/lifecycle_bench.h"
#include "host/bench/memory_map_bench.h"
#include "host/bench/suite_bench.h"
#include "host/bench/touch_bench.h"
#include "host/cli/exit_code.h"
#include "host/cli/size_option.h"
#include "host/cli/subcommand.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>

namespace slotbox::cli {
namespace {

constexpr uint64_t kMaxTouchWindow = 2ull << 30;  // kTouchStart + window stays in low RAM
constexpr unsigned kMaxTrials = 1000;

// In the priority order; each name is what --section takes.
struct SectionEntry {
  const char* name;
  std::function<bench::Section(const bench::BenchContext&)> run;
};

std::vector<SectionEntry> all_sections(uint64_t touch_window) {
  return {
      {"cold_start", bench::cold_start_section},
      {"lifecycle", bench::lifecycle_section},
      {"exits", bench::exit_section},
      {"memory_map", bench::memory_map_section},
      {"footprint", bench::footprint_section},
      {"first_touch", [touch_window](const bench::BenchContext& context) { return bench::touch_section(context, touch_window); }},
      {"suite", bench::suite_section},
      {"emulation", bench::emulation_section},
  };
}

Result<uint64_t> touch_window(const BenchOptions& options) {
  if (options.touch_window.empty()) return options.quick ? 64ull << 20 : 1ull << 30;
  uint64_t window = SLOTBOX_TRY(parse_size("--touch", options.touch_window));
  if (window == 0 || window % 4096 != 0 || window > kMaxTouchWindow)
    return fail(Error::bad_input("--touch " + options.touch_window, "must be whole 4 KiB pages, at most 2 GiB"));
  return window;
}

} // namespace

CLI::App* add_bench_command(CLI::App& app, BenchOptions& options) {
  return add_subcommand(
      app, "bench", "benchmarks: each figure beside its baseline (raw KVM floor, QEMU) and the ratio",
      [&options](CLI::App& bench) {
        bench.add_flag("--quick", options.quick, "fewer trials and smaller loops (a smoke run)");
        // option_text: the help shows what to type, not CLI11's types and validators.
        bench.add_option("--format", options.format, "text (default) or json")->option_text("FORMAT");
        bench.add_option("--trials", options.trials, "whole-process and lifecycle trials, 1 ... 1000 (default 20, --quick 5)")
            ->check(CLI::Range(1u, kMaxTrials))
            ->option_text("N");
        bench.add_option("--touch", options.touch_window, "first-touch window (default 1G, --quick 64M)")->option_text("SIZE");
        bench.add_option("--section", options.sections,
                         "only this section (repeatable): cold_start, lifecycle, exits, memory_map, footprint, first_touch, suite, "
                         "emulation")
            ->option_text("NAME");
      });
}

int bench_command(const BenchOptions& options) {
  std::string format = options.format;
  std::transform(format.begin(), format.end(), format.begin(), [](unsigned char c) { return std::tolower(c); });
  if (format != "text" && format != "json")
    return report_error(Error::bad_input("--format \"" + options.format + "\"", "must be text or json"));
  bool json = format == "json";
  auto window = touch_window(options);
  if (!window) return report_error(window.error());
  auto sections = all_sections(*window);
  for (const std::string& wanted : options.sections) {
    if (std::none_of(sections.begin(), sections.end(), [&](const SectionEntry& s) { return wanted == s.name; }))
      return report_error(Error::bad_input("--section " + wanted, "no such section"));
  }
  unsigned trials = options.trials ? options.trials : options.quick ? 5 : 20;
  bench::BenchContext context = bench::make_context(options.quick, trials);
  bench::BenchReport report{bench::describe_machine(context), options.quick, {}};
  for (const SectionEntry& section : sections) {
    if (!options.sections.empty() &&
        std::find(options.sections.begin(), options.sections.end(), section.name) == options.sections.end())
      continue;
    report.sections.push_back(section.run(context));
    // Progress for a long run; the report itself comes whole at the end.
    if (!json) std::fprintf(stderr, "slotbox bench: %s done\n", section.name);
  }
  std::string text = json ? bench::write_json(report) : bench::write_text(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitPassed;
}

} // namespace slotbox::cli
