#include "host/cli/kut_command.h"

#include "host/cli/exit_code.h"
#include "host/cli/interrupts.h"
#include "host/cli/kut_expected.h"
#include "host/cli/kut_qemu.h"
#include "host/cli/ordered_jobs.h"
#include "host/cli/terminal.h"
#include "host/kvm/backend.h"
#include "host/loader/input_file.h"
#include "host/loader/kut_config.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace slotbox::cli {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::optional<std::string> read_host_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

constexpr uint64_t kMaxConfigSize = 1ull << 20;  // kvm-unit-tests' own is about 15 KiB

Result<std::vector<loader::KutSection>> read_config(const std::string& directory) {
  std::string path = directory + "/unittests.cfg";
  auto bytes = SLOTBOX_TRY(loader::read_input_file(path, path, kMaxConfigSize));
  return loader::parse_kut_config(std::string(bytes.begin(), bytes.end()), path);
}

// Why a section is not run at all here, before its plan: not asked for.
bool selected(const loader::KutSection& section, const KutOptions& options) {
  if (!options.names.empty() && !contains(options.names, section.name)) return false;
  if (options.groups.empty()) return true;
  return std::any_of(options.groups.begin(), options.groups.end(),
                     [&](const std::string& group) { return contains(section.groups, group); });
}

bool manual_only(const loader::KutSection& section, const KutOptions& options) {
  return contains(section.groups, "nodefault") && !contains(options.names, section.name) &&
         !contains(options.groups, "nodefault");
}

// The -cpu parts slotbox honours: +feature (the kernel checks CPUID itself and skips what
// KVM lacks), -feature for the CPUID bits kvm/cpu_features.h knows, vendor=,
// hv_passthrough, and the two that are what KVM gives anyway. The model's own CPUID is not emulated: every model is
// the host's CPU as KVM supports it, with these edits. Fills `edits` or says why not.
std::optional<std::string> cpu_edits(const loader::KutPlan& plan, kvm::CpuidEdits& edits) {
  for (const std::string& flag : plan.cpu_flags) {
    std::string option = "-cpu " + plan.cpu_model + "," + flag;
    if (flag.starts_with('+') || flag == "host-phys-bits" || flag == "migratable=no") continue;
    if (flag.starts_with('-') && kvm::find_cpu_feature(flag.substr(1))) {
      edits.removed.push_back(flag.substr(1));
    } else if (flag == "hv_passthrough") {
      edits.hyperv = true;
    } else if (flag.starts_with("vendor=") && flag.size() == 7 + 12) {
      edits.vendor = flag.substr(7);
    } else {
      return option + " is not honoured (slotbox edits only known CPUID bits and the vendor)";
    }
  }
  return std::nullopt;
}

enum class SectionStatus { kPass, kFail, kSkip, kXfail, kXpass };

const char* status_name(SectionStatus status) {
  switch (status) {
  case SectionStatus::kPass: return "PASS";
  case SectionStatus::kFail: return "FAIL";
  case SectionStatus::kSkip: return "SKIP";
  case SectionStatus::kXfail: return "XFAIL";
  case SectionStatus::kXpass: return "XPASS";
  }
  return "FAIL";
}

// One section, planned, then run (or not) under slotbox and, if asked, under QEMU.
struct Section {
  const loader::KutSection* config = nullptr;
  loader::KutPlan plan;
  bool upstream_skips = false;  // kvm-unit-tests' runner would not run it either
  kvm::CpuidEdits cpuid;        // what its -cpu option changes
  SectionStatus status = SectionStatus::kSkip;
  std::string reason;           // of a SKIP, XFAIL or XPASS, or a FAIL's verdict
  int exit_code = kExitPassed;
  double wall_ms = 0;           // VM creation to teardown
  ImageReport report;
  std::optional<Result<QemuRun>> qemu;
};

// --skip-slow: a section this backend is known to run into its timeout is not run.
std::optional<std::string> known_slow(const loader::KutSection& config, const KutOptions& options,
                                      const std::string& backend) {
  const ExpectedFailure* expected = expected_failure(backend, config.name);
  if (!options.skip_slow || !expected || !expected->ends_at_timeout) return std::nullopt;
  return "--skip-slow: runs into its timeout on " + backend + ": " + std::string(expected->reason);
}

Section plan_section(const loader::KutSection& config, const KutOptions& options, const std::string& backend) {
  Section section;
  section.config = &config;
  section.plan = loader::plan_kut_section(config, read_host_file);
  bool manual = manual_only(config, options);
  section.upstream_skips = section.plan.skip_upstream || manual;
  if (manual) section.plan.skip = "test marked as manual run only";
  if (!section.plan.skip) section.plan.skip = known_slow(config, options, backend);
  if (!section.plan.skip) section.plan.skip = cpu_edits(section.plan, section.cpuid);
  section.report.name = config.name;
  return section;
}

RunOptions section_run_options(const Section& section, const KutOptions& options) {
  RunOptions run = options.run;
  run.kernel = {{options.directory + "/" + section.config->file}, {}, {}};
  for (const std::string& word : section.plan.append) run.kernel.append += (run.kernel.append.empty() ? "" : " ") + word;
  run.smp = section.plan.smp;
  if (section.plan.ram) run.ram_size = *section.plan.ram;
  run.timeout = std::min<std::chrono::milliseconds>(run.timeout, section.config->timeout);
  run.pit = section.plan.pit;
  run.hyperv_testdev = section.plan.hyperv_testdev;
  run.cpuid = section.cpuid;
  return run;
}

void run_in_slotbox(const kvm::System& kvm, Section& section, const KutOptions& options) {
  RunOptions run = section_run_options(section, options);
  auto start = std::chrono::steady_clock::now();
  auto images = resolve_images({}, run.kernel);
  Result<int> exit_code = images ? run_image(kvm, images->front(), run, nullptr, section.report)
                                 : Result<int>(fail(images.error()));
  section.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!exit_code) {
    section.exit_code = kExitGuestCrashed;
    section.report.verdict = exit_code.error().message();
    return;
  }
  section.exit_code = *exit_code;
  section.report.name = section.config->name;  // not the kernel's path: several sections share one
}

void run_in_qemu(Section& section, const KutOptions& options) {
  QemuSection qemu{options.directory + "/" + section.config->file, section.plan.smp, section.config->qemu_params,
                   section.config->test_args,
                   std::min<std::chrono::milliseconds>(options.run.timeout, section.config->timeout)};
  section.qemu = run_under_qemu(qemu);
}

bool kernel_skipped_itself(const ImageReport& report) { return report.verdict.starts_with("skipped"); }

// PASS/FAIL/SKIP as kvm-unit-tests decides, then XFAIL/XPASS from the backend's list.
void judge_section(Section& section, const std::string& backend) {
  if (section.plan.skip) {
    section.reason = *section.plan.skip;
    return;
  }
  bool passed = section.exit_code == kExitPassed;
  section.status = !passed ? SectionStatus::kFail
                   : kernel_skipped_itself(section.report) ? SectionStatus::kSkip
                                                           : SectionStatus::kPass;
  section.reason = section.report.verdict;
  const ExpectedFailure* expected = expected_failure(backend, section.config->name);
  if (!expected) return;
  if (section.status == SectionStatus::kFail) {
    section.status = SectionStatus::kXfail;
    section.reason = "expected on " + backend + ": " + std::string(expected->reason) + "; " + section.report.verdict;
  } else if (section.status == SectionStatus::kPass) {
    section.status = SectionStatus::kXpass;
    section.reason = "listed as failing on " + backend + ": " + std::string(expected->reason);
  }
}

// "(1840 tests, 7 unexpected failures)" as kvm-unit-tests' runner counts them.
std::string tally(const ImageReport& report) {
  CheckCounts counts = count(report.checks);
  counts += report.unlisted;
  if (!counts.total()) return {};
  std::string text = " (" + std::to_string(counts.total()) + " tests";
  if (counts.failed) text += ", " + std::to_string(counts.failed) + " unexpected failures";
  if (counts.skipped) text += ", " + std::to_string(counts.skipped) + " skipped";
  return text + ")";
}

std::string qemu_comparison(const Section& section) {
  if (!section.qemu) return {};
  if (!*section.qemu) return " [QEMU: " + section.qemu->error().message() + "]";
  const QemuRun& qemu = **section.qemu;
  char text[160];
  if (section.plan.skip)
    std::snprintf(text, sizeof text, " [QEMU %s in %.0f ms", qemu_verdict_name(qemu.verdict), qemu.elapsed_ms);
  else
    std::snprintf(text, sizeof text, " [slotbox %.0f ms, QEMU %s in %.0f ms: %.1fx", section.wall_ms,
                  qemu_verdict_name(qemu.verdict), qemu.elapsed_ms, qemu.elapsed_ms / std::max(section.wall_ms, 0.001));
  std::string comparison = text;
  if (!qemu.summary.empty())
    comparison += (qemu.verdict == QemuVerdict::kNotStarted ? ": " : "; QEMU's SUMMARY: ") + qemu.summary;
  return comparison + "]";
}

std::string section_line(const Section& section) {
  std::string line = std::string(status_name(section.status)) + " " + section.config->name;
  if (section.plan.skip) return line + " (" + section.reason + ")" + qemu_comparison(section);
  line += tally(section.report);
  if (section.status != SectionStatus::kPass) line += ": " + section.reason;
  return line + qemu_comparison(section);
}

// For --format: each section as an image, its kernel's checks as its checks.
ImageReport section_report(const Section& section) {
  ImageReport report = section.report;
  report.passed = section.status != SectionStatus::kFail;
  if (section.plan.skip) {
    report.verdict = "skipped (" + section.reason + ")";
    report.checks = {{Outcome::kSkip, section.config->name, section.reason}};
  } else if (section.status == SectionStatus::kXfail || section.status == SectionStatus::kXpass) {
    report.verdict = std::string(status_name(section.status)) + " (" + section.reason + ")";
  }
  return report;
}

struct SuiteTotals {
  std::map<SectionStatus, unsigned> by_status;
  unsigned qemu_passed_slotbox_not = 0;  // the target: this stays 0
  double slotbox_ms = 0, qemu_ms = 0;    // over sections both ran to their own end
  unsigned compared = 0;

  void add(const Section& section) {
    ++by_status[section.status];
    if (!section.qemu || !*section.qemu) return;
    const QemuRun& qemu = **section.qemu;
    bool slotbox_passed = section.status == SectionStatus::kPass || section.status == SectionStatus::kXpass;
    if (qemu.verdict == QemuVerdict::kPass && !slotbox_passed) ++qemu_passed_slotbox_not;
    // Times only where both ended by themselves: a timeout measures the limit.
    if (section.plan.skip || section.report.end == "timeout" || qemu.verdict == QemuVerdict::kTimeout) return;
    slotbox_ms += section.wall_ms;
    qemu_ms += qemu.elapsed_ms;
    ++compared;
  }

  std::string describe() const {
    std::string text = "kut:";
    for (SectionStatus status : {SectionStatus::kPass, SectionStatus::kFail, SectionStatus::kSkip,
                                 SectionStatus::kXfail, SectionStatus::kXpass}) {
      auto it = by_status.find(status);
      text += " " + std::to_string(it == by_status.end() ? 0 : it->second) + " " + status_name(status);
    }
    if (!compared) return text;
    char qemu[200];
    std::snprintf(qemu, sizeof qemu,
                  "\nkut: %u sections ended by themselves under both: slotbox %.1f s, QEMU %.1f s (%.1fx); %u passed under QEMU but not here",
                  compared, slotbox_ms / 1000, qemu_ms / 1000, qemu_ms / std::max(slotbox_ms, 0.001),
                  qemu_passed_slotbox_not);
    return text + qemu;
  }
};

// SIGINT/SIGTERM: the sections so far have their lines; no more start.
int interrupted(int signal) {
  std::fflush(stdout);
  std::fprintf(stderr, "slotbox: interrupted by %s\n", signal_name(signal).c_str());
  return exit_code_for_signal(signal);
}

} // namespace

int kut_command(const KutOptions& options) {
  watch_interrupts();
  if (!options.run.output_path.empty())
    return report_error(Error::bad_input("--output", "kut writes its report to stdout; redirect it"));
  auto config = read_config(options.directory);
  if (!config) return report_error(config.error());
  auto kvm = kvm::System::open();
  if (!kvm) return report_error(kvm.error());
  kvm::Backend backend = kvm::detect_backend();

  std::vector<Section> sections;
  for (const loader::KutSection& section : *config)
    if (selected(section, options)) sections.push_back(plan_section(section, options, backend.key()));

  bool text = options.run.format == ReportFormat::kText;
  bool colour = detect_terminal_style(!text).colour;
  if (text)
    std::printf("kut: %s (%s), %zu of %zu sections from %s/unittests.cfg\n", backend.describe().c_str(),
                backend.key().c_str(), sections.size(), config->size(), options.directory.c_str());
  RunReport report{backend.describe(), options.run.ram_size, {}, {}};
  SuiteTotals totals;
  int exit_code = kExitPassed;
  run_ordered({
      .count = sections.size(),
      .jobs = std::max(1u, options.run.jobs),
      .alone = [&](size_t) { return options.compare_qemu; },  // wall times are compared
      .task =
          [&](size_t i) {
            Section& section = sections[i];
            if (interrupt_signal()) return;
            if (!section.plan.skip) run_in_slotbox(*kvm, section, options);
            if (options.compare_qemu && !section.upstream_skips) run_in_qemu(section, options);
            judge_section(section, backend.key());
          },
      .done =
          [&](size_t i) {
            const Section& section = sections[i];
            if (interrupt_signal()) return;  // the line would say PASS or FAIL of a run cut short
            if (text) std::printf("%s\n", paint_console_line(section_line(section), colour).c_str());
            std::fflush(stdout);
            totals.add(section);
            report.images.push_back(section_report(section));
            report.total += count(report.images.back().checks);
            if (section.status == SectionStatus::kFail) exit_code = std::max(exit_code, section.exit_code);
          },
  });
  if (int signal = interrupt_signal()) return interrupted(signal);
  if (text)
    std::printf("%s\n", totals.describe().c_str());
  else
    std::fputs(write_report(options.run.format, report).c_str(), stdout);
  return exit_code;
}

} // namespace slotbox::cli
