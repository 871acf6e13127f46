#include "host/bench/suite_bench.h"

#include "host/bench/process_series.h"

#include <unistd.h>

namespace slotbox::bench {

Section suite_section(const BenchContext& context) {
  Section section{"suite", "Image suite: every named image, serial and in parallel", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  unsigned trials = context.quick ? 1 : 3;
  // At least 2: on one CPU the figure shows what --jobs costs there.
  unsigned cpus = static_cast<unsigned>(std::max(2L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  auto series = run_interleaved({{{context.slotbox, "run", "--jobs", "1"}},
                                 {{context.slotbox, "run", "--jobs", std::to_string(cpus)}}},
                                trials);
  if (!series) {
    section.skipped = series.error().message();
    return section;
  }
  section.figures.push_back(compared(Figure{"slotbox run --jobs " + std::to_string(cpus), "ms", (*series)[1].wall_ms,
                                            "--jobs 1", (*series)[0].wall_ms, std::nullopt, true, {}}));
  section.notes.push_back(std::to_string(trials) + " trial(s) after a warm-up; images that measure time run alone");
  return section;
}

} // namespace slotbox::bench
