#include "host/bench/touch_bench.h"

#include "host/bench/bench_rom.h"
#include "host/bench/in_process_run.h"

#include <fstream>

namespace slotbox::bench {
namespace {

constexpr uint64_t kPage = 4096;

std::string thp_setting() {
  std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(file, line);
  return line.empty() ? "unknown" : line;
}

} // namespace

Section touch_section(const BenchContext& context, uint64_t window) {
  Section section{"first_touch", "First touch of guest RAM (pages per second)", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  uint32_t pages = static_cast<uint32_t>(window / kPage);
  uint64_t ram = kTouchStart + window;
  uint64_t slotbox_ram = std::max<uint64_t>(512ull << 20, (ram + (2ull << 20) - 1) & ~((2ull << 20) - 1));
  auto rom = bench_rom({BenchGuest::kTouchPages, Privilege::kCpl3, pages});
  std::vector<double> slotbox, raw_small, raw_huge;
  // Round 0 is a warm-up, as in lifecycle: the first run in a process was the slow one
  // (slotbox, first in each round, had one trial in five at ~70k pages/s against ~500k,
  // the floors none; which host cost it was is not known).
  for (unsigned round = 0; round <= context.inner_trials; ++round) {
    auto ours = run_in_slotbox(*context.kvm, rom, slotbox_ram);
    auto small = run_in_floor(*context.kvm, rom, {ram, false});
    auto huge = run_in_floor(*context.kvm, rom, {ram, true});
    for (auto* run : {&ours, &small, &huge}) {
      if (!*run) {
        section.skipped = (*run).error().message();
        return section;
      }
    }
    if (round == 0) continue;
    auto rate = [&](const InProcessRun& run) { return pages / std::chrono::duration<double>(run.run_time).count(); };
    slotbox.push_back(rate(*ours));
    raw_small.push_back(rate(*small));
    raw_huge.push_back(rate(*huge));
  }
  Summary ours = summarize(slotbox);
  section.figures.push_back(compared(Figure{"slotbox", "pages/s", ours, "raw, 4 KiB pages", summarize(raw_small),
                                            std::nullopt, true, {}}));
  section.figures.push_back(compared(Figure{"slotbox", "pages/s", ours, "raw, THP (MADV_HUGEPAGE)", summarize(raw_huge),
                                            std::nullopt, true, {}}));
  section.notes.push_back(std::to_string(window >> 20) + " MiB window; slotbox's RAM is not madvised, so the host's "
                          "THP setting decides: " + thp_setting() + "; higher is better");
  return section;
}

} // namespace slotbox::bench
