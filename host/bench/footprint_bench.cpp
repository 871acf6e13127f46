#include "host/bench/footprint_bench.h"

#include "host/bench/bench_rom.h"
#include "host/bench/peak_rss.h"
#include "host/bench/process_series.h"
#include "host/bench/rom_file.h"

#include <algorithm>

namespace slotbox::bench {
namespace {

Figure figure(std::string name, std::string unit, Summary value, std::string baseline_name, Summary baseline) {
  return compared(Figure{std::move(name), std::move(unit), value, std::move(baseline_name), baseline, std::nullopt, true, {}});
}

Result<Summary> peak_rss(const std::vector<std::string>& argv, unsigned trials) {
  std::vector<double> rss;
  for (unsigned i = 0; i < std::min(trials, 5u); ++i) rss.push_back(SLOTBOX_TRY(peak_rss_mib(argv)));
  return summarize(std::move(rss));
}

struct Measured {
  std::vector<ProcessSeries> times;
  std::vector<Summary> peak_rss;  // of the first `with_rss` commands
};

// Times come from plain runs, taken in turn; the peak RSS from a few more under ptrace
// (peak_rss.h), which would distort the times.
Result<Measured> measure(const std::vector<Command>& commands, size_t with_rss, unsigned trials) {
  Measured measured{SLOTBOX_TRY(run_interleaved(commands, trials)), {}};
  for (size_t i = 0; i < with_rss; ++i) measured.peak_rss.push_back(SLOTBOX_TRY(peak_rss(commands[i].argv, trials)));
  return measured;
}

} // namespace

Section footprint_section(const BenchContext& context) {
  Section section{"footprint", "Footprint: peak RSS and start time against configured RAM", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  auto min_rom = RomFile::create("min.rom", bench_rom({BenchGuest::kExitAtOnce}));
  bool with_floor = min_rom && !context.floor.empty();
  // hello with 1, 4 and 64 GiB, and the raw PC floor with 1 and 64 GiB, which shows how
  // much of the growth is KVM's own (its per-slot arrays, e.g. shadow paging's reverse
  // maps, grow with the slot).
  const char* rams[] = {"1G", "4G", "64G"};
  enum { kHello1G, kHello4G, kHello64G, kFloor1G, kFloor64G };
  std::vector<Command> commands;
  for (const char* ram : rams) commands.push_back({{context.slotbox, "run", "hello", "--ram", ram}});
  if (with_floor)
    for (const char* gib : {"1", "64"}) commands.push_back({{context.floor, "--pc", gib, min_rom->path()}});
  auto measured = measure(commands, std::size(rams), context.trials);
  if (!measured) {
    section.notes.push_back("not measured: " + measured.error().message());
    return section;
  }
  const auto& times = measured->times;
  const auto& rss = measured->peak_rss;
  if (with_floor)
    section.figures.push_back(figure("raw PC floor 64 GiB: start to exit", "ms", times[kFloor64G].wall_ms, "1 GiB",
                                     times[kFloor1G].wall_ms));
  for (int hello : {kHello4G, kHello64G}) {
    std::string name = "hello --ram " + std::string(rams[hello]);
    section.figures.push_back(figure(name + ": start to exit", "ms", times[hello].wall_ms, "--ram 1G",
                                     times[kHello1G].wall_ms));
    section.figures.push_back(figure(name + ": peak RSS", "MiB", rss[hello], "--ram 1G", rss[kHello1G]));
  }
  if (!times[kHello64G].stderr_tail.empty())
    section.notes.push_back("--ram 64G said: " + times[kHello64G].stderr_tail);
  if (with_floor) {
    auto ours = peak_rss({context.slotbox, "run", min_rom->path()}, context.trials);
    auto raw = peak_rss({context.floor, min_rom->path()}, context.trials);
    if (ours && raw)
      section.figures.push_back(figure("min.rom: peak RSS", "MiB", *ours, "raw floor process", *raw));
    else
      section.notes.push_back("min.rom: not measured: " + (!ours ? ours.error() : raw.error()).message());
  }
  section.notes.push_back("peak RSS: VmHWM of the process at its exit (ptrace); hello is `slotbox run hello`");
  return section;
}

} // namespace slotbox::bench
