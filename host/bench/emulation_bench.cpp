#include "host/bench/emulation_bench.h"

#include "host/bench/process_trial.h"

#include <nlohmann/json.hpp>

namespace slotbox::bench {
namespace {

constexpr int kAllPassed = 0, kCheckFailed = 1;  // slotbox's exit codes: the counts stand either way

uint64_t emulated(const nlohmann::json& image) {
  const auto& deltas = image.value("kvm_stat_deltas", nlohmann::json::object());
  return deltas.value("insn_emulation", uint64_t{0});
}

Figure count(std::string name, uint64_t value, std::string note = {}) {
  double n = static_cast<double>(value);
  return Figure{std::move(name), "instructions", Summary{n, n, n, 1}, {}, std::nullopt, std::nullopt, true,
                std::move(note)};
}

} // namespace

Section emulation_section(const BenchContext& context) {
  Section section{"emulation", "Instructions KVM emulated, per named image (vCPU statistic insn_emulation)",
                  kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  auto run = run_process({context.slotbox, "run", "--stats", "--format", "json", "--jobs", "1"}, {.keep_output = true});
  if (!run || (run->exit_code != kAllPassed && run->exit_code != kCheckFailed)) {
    section.skipped = !run ? run.error().message()
                           : "slotbox run --stats exited " + std::to_string(run->exit_code) + ": " + run->stderr_tail;
    return section;
  }
  auto report = nlohmann::json::parse(run->output, nullptr, false);
  if (report.is_discarded() || !report.contains("images")) {
    section.skipped = "slotbox run --stats --format json wrote no report";
    return section;
  }
  uint64_t total = 0;
  for (const auto& image : report["images"]) {
    total += emulated(image);
    section.figures.push_back(count(image.value("name", "?"), emulated(image)));
  }
  section.figures.push_back(count("all images", total, "one run each, --jobs 1"));
  if (run->exit_code == kCheckFailed) section.notes.push_back("some image failed a check; its count still stands");
  section.notes.push_back("on PVM every instruction the guest runs at CPL0 is emulated: there these are the boot "
                          "paths; on VMX and SVM, what KVM decoded itself (string port I/O, MMIO, ...)");
  return section;
}

} // namespace slotbox::bench
