#include "host/bench/exit_bench.h"

#include "host/bench/bench_rom.h"
#include "host/bench/in_process_run.h"

namespace slotbox::bench {
namespace {

constexpr uint64_t kRam = 4ull << 30;

struct ExitCase {
  const char* name;
  BenchGuest guest;
  Privilege privilege;
};
constexpr ExitCase kCases[] = {
    {"port I/O exit, CPL0", BenchGuest::kPortLoop, Privilege::kCpl0},
    {"MMIO exit, CPL0", BenchGuest::kMmioLoop, Privilege::kCpl0},
    {"port I/O exit, CPL3", BenchGuest::kPortLoop, Privilege::kCpl3},
    {"MMIO exit, CPL3", BenchGuest::kMmioLoop, Privilege::kCpl3},
};

double us_per_exit(std::chrono::nanoseconds run_time, uint32_t loops) {
  return std::chrono::duration<double, std::micro>(run_time).count() / loops;
}

// One case's exit times, µs per exit, a trial of each in turn.
struct ExitTimes {
  std::vector<double> slotbox, unconfined, floor, pc_floor;
};

Result<ExitTimes> time_exits(const BenchContext& context, std::span<const uint8_t> rom, uint32_t loops) {
  // The PC floor has what slotbox's machine has in KVM: irqchip, PIT, RAM in two slots, CPUID.
  FloorOptions pc{.ram_size = kRam, .huge_pages = false, .pc = true};
  ExitTimes times;
  // Round 0 is a warm-up, as in lifecycle: slotbox goes first in each round, so without it
  // slotbox alone would pay for what the first run of a case costs.
  for (unsigned round = 0; round <= context.inner_trials; ++round) {
    auto ours = SLOTBOX_TRY(run_in_slotbox(*context.kvm, rom, kRam));
    auto ours_unconfined = SLOTBOX_TRY(run_in_slotbox(*context.kvm, rom, kRam, {.enabled = false}));
    auto raw = SLOTBOX_TRY(run_in_floor(*context.kvm, rom));
    auto raw_pc = SLOTBOX_TRY(run_in_floor(*context.kvm, rom, pc));
    if (round == 0) continue;
    times.slotbox.push_back(us_per_exit(ours.run_time, loops));
    times.unconfined.push_back(us_per_exit(ours_unconfined.run_time, loops));
    times.floor.push_back(us_per_exit(raw.run_time, loops));
    times.pc_floor.push_back(us_per_exit(raw_pc.run_time, loops));
  }
  return times;
}

Figure exit_figure(std::string name, const std::vector<double>& value, std::string baseline_name,
                   const std::vector<double>& baseline, std::string note = {}) {
  return compared(Figure{std::move(name), "us/exit", summarize(value), std::move(baseline_name), summarize(baseline),
                         std::nullopt, true, std::move(note)});
}

} // namespace

Section exit_section(const BenchContext& context) {
  Section section{"exits", "Exit round trip (guest loop to the host and back)", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  uint32_t loops = context.quick ? 2000 : 20000;
  for (const ExitCase& exit_case : kCases) {
    auto times = time_exits(context, bench_rom({exit_case.guest, exit_case.privilege, loops}), loops);
    if (!times) {
      section.notes.push_back(std::string(exit_case.name) + ": not measured: " + times.error().message());
      continue;
    }
    std::string name = exit_case.name;
    section.figures.push_back(exit_figure(name, times->slotbox, "raw KVM_RUN loop", times->floor));
    section.figures.push_back(exit_figure(name + ": raw PC loop", times->pc_floor, "raw KVM_RUN loop", times->floor,
                                          "the raw loop in a VM like slotbox's (in-kernel irqchip and PIT, 4 GiB of "
                                          "RAM, the supported CPUID): what KVM's side of a PC costs per exit"));
    section.figures.push_back(exit_figure(name + ": slotbox's own cost", times->slotbox, "raw PC loop",
                                          times->pc_floor, "slotbox against the raw loop in the same kind of VM"));
    section.figures.push_back(exit_figure(name + ": slotbox --no-sandbox", times->unconfined, "raw PC loop",
                                          times->pc_floor, "without the vCPU thread's seccomp filter, which every "
                                          "KVM_RUN passes through"));
  }
  section.notes.push_back(std::to_string(loops) + " exits per trial; slotbox's time includes its vCPU thread start and "
                          "the boot, the floors' the boot (both a few exits)");
  return section;
}

} // namespace slotbox::bench
