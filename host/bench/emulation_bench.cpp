#include "host/bench/emulation_bench.h"

#include "host/bench/process_trial.h"
#include "host/bench/qemu_instruction_count.h"
#include "host/loader/named_images.h"

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

constexpr int kQemuDeadlineSeconds = 60;

// KVM's count, from one run of every named image. Returns why there is none, or nothing.
std::string add_kvm_counts(const BenchContext& context, Section& section) {
  if (std::string skipped = kvm_skip_reason(context); !skipped.empty()) return skipped;
  auto run = run_process({context.slotbox, "run", "--stats", "--format", "json", "--jobs", "1"}, {.keep_output = true});
  if (!run || (run->exit_code != kAllPassed && run->exit_code != kCheckFailed)) {
    return !run ? run.error().message()
                : "slotbox run --stats exited " + std::to_string(run->exit_code) + ": " + run->stderr_tail;
  }
  auto report = nlohmann::json::parse(run->output, nullptr, false);
  if (report.is_discarded() || !report.contains("images")) {
    return "slotbox run --stats --format json wrote no report";
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
  return {};
}

// The images under QEMU, counted one instruction at a time: what PVM would emulate, on any
// machine with QEMU. Not faults/*: they boot like hello and then crash or spin on purpose.
// With --quick, hello alone (seconds each under -singlestep). Returns why there are none,
// or nothing.
std::string add_qemu_counts(const BenchContext& context, Section& section) {
  if (context.qemu.empty()) return "qemu-system-x86_64 is not installed";
  auto images = loader::named_images();
  if (!images) return images.error().message();
  uint64_t total = 0;
  for (const loader::NamedImage& image : *images) {
    if (image.name.starts_with("faults/") || (context.quick && image.name != "hello")) continue;
    auto counted = count_cpl0_instructions(context.qemu, image.rom_path, "4G", kQemuDeadlineSeconds);
    if (!counted) {
      section.notes.push_back(image.name + " under QEMU: " + counted.error().message());
      continue;
    }
    if (image.name == "hello")
      section.figures.push_back(count("hello (boot path): CPL0 under QEMU", counted->boot,
                                      "from reset to the first CPL3 instruction"));
    section.figures.push_back(count(image.name + ": CPL0 under QEMU", counted->total));
    total += counted->total;
  }
  if (!context.quick) section.figures.push_back(count("all images but faults/*: CPL0 under QEMU", total));
  section.notes.push_back("CPL0 under QEMU: the instructions an image ran at CPL0 under qemu-system-x86_64 -M pc "
                          "-accel tcg -cpu qemu64,pdpe1gb=on -m 4G -singlestep -d exec,nochain, the iterations "
                          "of a string instruction counted once per 1024 as KVM's emulator runs them: what PVM "
                          "would emulate, on machines without PVM");
  return {};
}

} // namespace

Section emulation_section(const BenchContext& context) {
  Section section{"emulation",
                  "Instructions emulated, per named image (KVM's insn_emulation; CPL0 instructions under QEMU)",
                  {}, {}, {}};
  std::string no_kvm = add_kvm_counts(context, section);
  std::string no_qemu = add_qemu_counts(context, section);
  if (!no_kvm.empty() && !no_qemu.empty()) section.skipped = no_kvm + "; " + no_qemu;
  else if (!no_kvm.empty()) section.notes.push_back("no insn_emulation: " + no_kvm);
  else if (!no_qemu.empty()) section.notes.push_back("no CPL0 counts under QEMU: " + no_qemu);
  return section;
}

} // namespace slotbox::bench
