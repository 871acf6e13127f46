#include "host/bench/footprint_bench.h"

#include "host/bench/bench_rom.h"
#include "host/bench/peak_rss.h"
#include "host/bench/process_series.h"
#include "host/bench/rom_file.h"

#include <algorithm>
#include <map>

namespace slotbox::bench {
namespace {

Figure figure(std::string name, std::string unit, Summary value, std::string baseline_name, Summary baseline) {
  return compared(Figure{std::move(name), std::move(unit), value, std::move(baseline_name), baseline, std::nullopt, true, {}});
}

struct Footprint {
  Summary wall_ms;
  Summary peak_rss_mib;
  std::string stderr_tail;
};

Result<Summary> peak_rss(const std::vector<std::string>& argv, unsigned trials) {
  std::vector<double> rss;
  for (unsigned i = 0; i < std::min(trials, 5u); ++i) rss.push_back(SLOTBOX_TRY(peak_rss_mib(argv)));
  return summarize(std::move(rss));
}

// Times come from plain runs, taken in turn with the floors' (`floors`: timed only); the
// peak RSS from a few more under ptrace (peak_rss.h), which would distort the times.
Result<std::vector<Footprint>> footprints(const std::vector<std::vector<std::string>>& commands,
                                          const std::vector<std::vector<std::string>>& floors, unsigned trials) {
  std::vector<Command> timed;
  for (const auto& argv : commands) timed.push_back({argv});
  for (const auto& argv : floors) timed.push_back({argv});
  std::vector<ProcessSeries> times = SLOTBOX_TRY(run_interleaved(timed, trials));
  std::vector<Footprint> result;
  for (size_t i = 0; i < timed.size(); ++i) {
    Summary rss = i < commands.size() ? SLOTBOX_TRY(peak_rss(commands[i], trials)) : Summary{};
    result.push_back({times[i].wall_ms, rss, times[i].stderr_tail});
  }
  return result;
}

} // namespace

Section footprint_section(const BenchContext& context) {
  Section section{"footprint", "Footprint: peak RSS and start time against configured RAM", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  auto min_rom = RomFile::create("min.rom", bench_rom({BenchGuest::kExitAtOnce}));
  std::map<std::string, Footprint> hello;
  const char* rams[] = {"1G", "4G", "64G"};
  std::vector<std::vector<std::string>> commands, floors;
  for (const char* ram : rams) commands.push_back({context.slotbox, "run", "hello", "--ram", ram});
  // The raw PC floor with 1 and 64 GiB: how much of the growth is KVM's own (its per-slot
  // arrays, e.g. shadow paging's reverse maps, grow with the slot).
  if (min_rom && !context.floor.empty())
    for (const char* gib : {"1", "64"}) floors.push_back({context.floor, "--pc", gib, min_rom->path()});
  auto measured = footprints(commands, floors, context.trials);
  if (!measured) {
    section.notes.push_back("not measured: " + measured.error().message());
    return section;
  }
  for (size_t i = 0; i < commands.size(); ++i) hello[rams[i]] = (*measured)[i];
  if (!floors.empty())
    section.figures.push_back(figure("raw PC floor 64 GiB: start to exit", "ms", (*measured)[commands.size() + 1].wall_ms,
                                     "1 GiB", (*measured)[commands.size()].wall_ms));
  for (const char* ram : {"4G", "64G"}) {
    if (!hello.count(ram) || !hello.count("1G")) continue;
    section.figures.push_back(figure("hello --ram " + std::string(ram) + ": start to exit", "ms", hello[ram].wall_ms,
                                     "--ram 1G", hello["1G"].wall_ms));
    section.figures.push_back(figure("hello --ram " + std::string(ram) + ": peak RSS", "MiB", hello[ram].peak_rss_mib,
                                     "--ram 1G", hello["1G"].peak_rss_mib));
  }
  if (hello.count("64G") && !hello["64G"].stderr_tail.empty())
    section.notes.push_back("--ram 64G said: " + hello["64G"].stderr_tail);
  if (min_rom && !context.floor.empty()) {
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
