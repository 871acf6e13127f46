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

} // namespace

Section exit_section(const BenchContext& context) {
  Section section{"exits", "Exit round trip (guest loop to the host and back)", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  uint32_t loops = context.quick ? 2000 : 20000;
  for (const ExitCase& exit_case : kCases) {
    auto rom = bench_rom({exit_case.guest, exit_case.privilege, loops});
    std::vector<double> slotbox, floor;
    std::string failure;
    for (unsigned i = 0; i < context.inner_trials && failure.empty(); ++i) {
      auto ours = run_in_slotbox(*context.kvm, rom, kRam);
      auto raw = run_in_floor(*context.kvm, rom);
      if (!ours || !raw) {
        failure = (!ours ? ours.error() : raw.error()).message();
        break;
      }
      slotbox.push_back(us_per_exit(ours->run_time, loops));
      floor.push_back(us_per_exit(raw->run_time, loops));
    }
    if (!failure.empty()) {
      section.notes.push_back(std::string(exit_case.name) + ": not measured: " + failure);
      continue;
    }
    section.figures.push_back(compared(Figure{exit_case.name, "us/exit", summarize(slotbox), "raw KVM_RUN loop",
                                              summarize(floor), std::nullopt, true, {}}));
  }
  section.notes.push_back(std::to_string(loops) + " exits per trial; slotbox's time includes its vCPU thread start and "
                          "the boot, the floor's the boot (both a few exits)");
  return section;
}

} // namespace slotbox::bench
