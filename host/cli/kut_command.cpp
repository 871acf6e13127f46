#include "host/cli/kut_command.h"

#include "host/cli/exit_code.h"
#include "host/cli/interrupts.h"
#include "host/loader/input_file.h"
#include "host/loader/kut_config.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
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

// What slotbox cannot honour yet of a plan that kvm-unit-tests could run.
std::optional<std::string> unsupported(const loader::KutSection& section, const loader::KutPlan& plan,
                                       const KutOptions& options) {
  if (contains(section.groups, "nodefault") && !contains(options.names, section.name) &&
      !contains(options.groups, "nodefault"))
    return "test marked as manual run only";
  // +feature: the kernel checks CPUID itself and skips what KVM lacks. Taking a feature
  // away, a vendor or a model's CPUID needs CPUID editing slotbox does not do yet; the
  // host's physical address width and migratability are what KVM gives anyway.
  for (const std::string& flag : plan.cpu_flags)
    if (!flag.starts_with('+') && flag != "host-phys-bits" && flag != "migratable=no")
      return "-cpu " + plan.cpu_model + "," + flag + " is not honoured yet";
  return std::nullopt;
}

// "PASS smptest (1 tests)", "FAIL msr (1840 tests, 7 unexpected failures)".
std::string section_line(const std::string& name, int exit_code, const ImageReport& report) {
  CheckCounts counts = count(report.checks);
  counts += report.unlisted;
  std::string tally;
  if (counts.total()) {
    tally = " (" + std::to_string(counts.total()) + " tests";
    if (counts.failed) tally += ", " + std::to_string(counts.failed) + " unexpected failures";
    if (counts.skipped) tally += ", " + std::to_string(counts.skipped) + " skipped";
    tally += ")";
  }
  if (exit_code == kExitPassed) return "PASS " + name + tally;
  return "FAIL " + name + tally + ": " + report.verdict;
}

Result<int> run_section(const kvm::System& kvm, const KutOptions& options, const loader::KutSection& section,
                        const loader::KutPlan& plan) {
  KernelOptions kernel{{options.directory + "/" + section.file}, {}, {}};
  for (const std::string& word : plan.append) kernel.append += (kernel.append.empty() ? "" : " ") + word;
  auto images = SLOTBOX_TRY(resolve_images({}, kernel));
  RunOptions run = options.run;
  run.smp = plan.smp;
  if (plan.ram) run.ram_size = *plan.ram;
  run.timeout = std::min<std::chrono::milliseconds>(run.timeout, section.timeout);
  ImageReport report;
  int exit_code = SLOTBOX_TRY(run_image(kvm, images.front(), run, nullptr, report));
  if (interrupt_signal()) {
    std::printf("INTERRUPTED %s (%s)\n", section.name.c_str(), report.end_detail.c_str());
    std::fflush(stdout);
    return exit_code;
  }
  std::printf("%s\n", section_line(section.name, exit_code, report).c_str());
  std::fflush(stdout);
  return exit_code;
}

// SIGINT/SIGTERM: the sections so far have their lines; no more start.
int interrupted(int signal) {
  std::fflush(stdout);
  std::fprintf(stderr, "slotbox: interrupted by %s\n", signal_name(signal).c_str());
  return exit_code_for_signal(signal);
}

} // namespace

int kut_command(const KutOptions& options) {
  watch_interrupts();
  auto sections = read_config(options.directory);
  if (!sections) return report_error(sections.error());
  auto kvm = kvm::System::open();
  if (!kvm) return report_error(kvm.error());
  int exit_code = kExitPassed;
  for (const loader::KutSection& section : *sections) {
    if (int signal = interrupt_signal()) return interrupted(signal);
    if (!selected(section, options)) continue;
    loader::KutPlan plan = loader::plan_kut_section(section, read_host_file);
    if (!plan.skip) plan.skip = unsupported(section, plan, options);
    if (plan.skip) {
      std::printf("SKIP %s (%s)\n", section.name.c_str(), plan.skip->c_str());
      std::fflush(stdout);
      continue;
    }
    auto result = run_section(*kvm, options, section, plan);
    if (!result) {
      std::printf("FAIL %s (%s)\n", section.name.c_str(), result.error().message().c_str());
      std::fflush(stdout);
      exit_code = std::max(exit_code, static_cast<int>(kExitGuestCrashed));
      continue;
    }
    exit_code = std::max(exit_code, *result);
  }
  if (int signal = interrupt_signal()) return interrupted(signal);
  return exit_code;
}

} // namespace slotbox::cli
