#include "host/bench/footprint_bench.h"

#include "host/bench/bench_rom.h"
#include "host/bench/process_series.h"
#include "host/bench/rom_file.h"

#include <map>

namespace slotbox::bench {
namespace {

Figure figure(std::string name, std::string unit, Summary value, std::string baseline_name, Summary baseline) {
  return compared(Figure{std::move(name), std::move(unit), value, std::move(baseline_name), baseline, std::nullopt, true, {}});
}

} // namespace

Section footprint_section(const BenchContext& context) {
  Section section{"footprint", "Footprint: peak RSS and start time against configured RAM", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  std::map<std::string, ProcessSeries> hello;
  for (const char* ram : {"1G", "4G", "64G"}) {
    auto series = run_series({context.slotbox, "run", "hello", "--ram", ram}, context.trials);
    if (!series) {
      section.notes.push_back("--ram " + std::string(ram) + ": not measured: " + series.error().message());
      continue;
    }
    hello[ram] = *series;
  }
  for (const char* ram : {"4G", "64G"}) {
    if (!hello.count(ram) || !hello.count("1G")) continue;
    section.figures.push_back(figure("slotbox run hello --ram " + std::string(ram) + ": start to exit", "ms",
                                     hello[ram].wall_ms, "--ram 1G", hello["1G"].wall_ms));
    section.figures.push_back(figure("slotbox run hello --ram " + std::string(ram) + ": peak RSS", "MiB",
                                     hello[ram].peak_rss_mib, "--ram 1G", hello["1G"].peak_rss_mib));
  }
  if (hello.count("64G") && !hello["64G"].stderr_tail.empty()) section.notes.push_back("--ram 64G said: " + hello["64G"].stderr_tail);
  auto min_rom = RomFile::create("min.rom", bench_rom({BenchGuest::kExitAtOnce}));
  if (min_rom && !context.floor.empty()) {
    auto ours = run_series({context.slotbox, "run", min_rom->path()}, context.trials);
    auto raw = run_series({context.floor, min_rom->path()}, context.trials);
    if (ours && raw)
      section.figures.push_back(figure("slotbox run min.rom: peak RSS", "MiB", ours->peak_rss_mib, "raw floor process",
                                       raw->peak_rss_mib));
  }
  section.notes.push_back("peak RSS is wait4's ru_maxrss of the whole process");
  return section;
}

} // namespace slotbox::bench
