#include "host/bench/lifecycle_bench.h"

#include "host/bench/bench_rom.h"
#include "host/bench/in_process_run.h"

namespace slotbox::bench {
namespace {

constexpr uint64_t kRam = 4ull << 30;  // slotbox's default, as `slotbox run` has it

double ms(std::chrono::nanoseconds duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

} // namespace

Section lifecycle_section(const BenchContext& context) {
  Section section{"lifecycle", "VM lifecycle in one process (create, map, boot, exit, destroy)", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  auto rom = bench_rom({BenchGuest::kExitAtOnce});
  std::vector<double> slotbox, floor;
  // One warm-up of each first: the first VM of a process pays for KVM's lazy set-up.
  for (unsigned i = 0; i <= context.trials; ++i) {
    auto ours = run_in_slotbox(*context.kvm, rom, kRam);
    auto raw = run_in_floor(*context.kvm, rom);
    if (!ours || !raw) {
      section.skipped = (!ours ? ours.error() : raw.error()).message();
      return section;
    }
    if (i == 0) continue;
    slotbox.push_back(ms(ours->total));
    floor.push_back(ms(raw->total));
  }
  section.figures.push_back(compared(Figure{"slotbox PcMachine + run controller", "ms", summarize(slotbox), "raw floor",
                                            summarize(floor), std::nullopt, true, {}}));
  section.notes.push_back("the minimal ROM; slotbox with 4 GiB RAM, its devices, irqchip and PIT; the floor with one ROM slot");
  return section;
}

} // namespace slotbox::bench
