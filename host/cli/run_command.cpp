#include "host/cli/run_command.h"

#include "host/cli/console.h"
#include "host/cli/exit_code.h"
#include "host/cli/image_source.h"
#include "host/cli/size_option.h"
#include "host/kvm/backend.h"
#include "host/kvm/system.h"
#include "host/machine/pc_machine.h"
#include "host/machine/run_controller.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace slotbox::cli {
namespace {

using machine::EndKind;
using machine::RunEnd;

// Where text goes: stdout when the text report is what was asked for on stdout, else
// nowhere (a JSON report on stdout must be nothing but JSON).
std::FILE* text_stream(const RunOptions& options) {
  return options.format == ReportFormat::kText || !options.output_path.empty() ? stdout : nullptr;
}

void text(std::FILE* stream, const char* format, const std::string& a = {}, const std::string& b = {}) {
  if (stream) std::fprintf(stream, format, a.c_str(), b.c_str());
}

// Compares how the run ended with what the image declared, and adds the run itself as a
// check where the guest could not report one: a negative image that ended as declared
// passes, any other unexpected end fails. Returns the image's exit code.
int judge(const loader::Expectation& expected, const RunEnd& end, ImageReport& report) {
  EndKind expected_kind = machine::end_kind_of(expected.end);
  bool as_declared = end.kind == expected_kind;
  if (end.kind == EndKind::kGuestExit) as_declared = as_declared && end.status == expected.status;
  if (end.kind == EndKind::kGuestCrash) as_declared = as_declared && end.status == abi::kStatusCrash + expected.status;
  CheckCounts counts = count(report.checks);
  std::string how = report.end + ": " + end.detail;
  int exit_code = kExitPassed;
  if (as_declared && expected_kind != EndKind::kGuestExit) {
    report.checks.push_back({Outcome::kPass, "the run ended as declared: " + report.end, {}});
    report.verdict = "passed (" + how + ", as declared)";
  } else if (as_declared) {
    exit_code = counts.failed ? kExitCheckFailed : kExitPassed;
    report.verdict = (counts.failed ? "FAILED (" : "passed (") + how + ")";
  } else if (end.kind == EndKind::kGuestExit) {
    std::string expectation = "expected status " + std::to_string(expected.status);
    if (counts.failed == 0) report.checks.push_back({Outcome::kFail, "the guest's exit status", how + ", " + expectation});
    exit_code = kExitCheckFailed;
    report.verdict = "FAILED (" + how + ", " + expectation + ")";
  } else {
    std::string expectation = std::string("expected ") + machine::end_kind_name(expected_kind);
    report.checks.push_back({Outcome::kFail, "the run ended by " + report.end, how + ", " + expectation});
    exit_code = kExitGuestCrashed;
    report.verdict = "CRASHED (" + how + ", " + expectation + ")";
  }
  report.passed = exit_code == kExitPassed;
  return exit_code;
}

std::map<std::string, uint64_t> stat_snapshot(const machine::PcMachine& machine) {
  std::map<std::string, uint64_t> values;
  for (const auto* stats : {&machine.vcpu_stats(), &machine.vm_stats()}) {
    if (!*stats) continue;
    if (auto snapshot = (*stats)->snapshot()) values.insert(snapshot->begin(), snapshot->end());
  }
  return values;
}

std::map<std::string, uint64_t> nonzero_deltas(const std::map<std::string, uint64_t>& before,
                                                const std::map<std::string, uint64_t>& after) {
  std::map<std::string, uint64_t> deltas;
  for (const auto& [name, value] : after) {
    auto old = before.find(name);
    uint64_t delta = value - (old == before.end() ? 0 : old->second);
    if (delta) deltas[name] = delta;
  }
  return deltas;
}

// --stats in text: the exit histogram, the busiest ports and MMIO pages, KVM stat deltas.
void print_stats(std::FILE* out, const ImageReport& report, const machine::PcMachine& machine) {
  if (!out) return;
  const machine::ExitCounters& exits = machine.exits();
  std::fprintf(out, "   exits:");
  for (const auto& [kind, n] : report.exit_kinds) std::fprintf(out, " %s %llu", kind.c_str(), (unsigned long long)n);
  std::fprintf(out, "\n   ports:");
  for (const auto& [port, n] : exits.ports_by_number())
    std::fprintf(out, " 0x%llx r%llu/w%llu", (unsigned long long)port, (unsigned long long)n.reads,
                 (unsigned long long)n.writes);
  std::map<uint64_t, machine::AccessCount> pages;
  for (const auto& [gpa, n] : exits.mmio_by_address()) {
    pages[gpa & ~0xFFFull].reads += n.reads;
    pages[gpa & ~0xFFFull].writes += n.writes;
  }
  std::fprintf(out, "\n   mmio pages:");
  for (const auto& [page, n] : pages)
    std::fprintf(out, " 0x%llx r%llu/w%llu", (unsigned long long)page, (unsigned long long)n.reads,
                 (unsigned long long)n.writes);
  if (exits.pooled().reads + exits.pooled().writes)
    std::fprintf(out, " (beyond %zu addresses: r%llu/w%llu)", machine::ExitCounters::kMaxAddresses,
                 (unsigned long long)exits.pooled().reads, (unsigned long long)exits.pooled().writes);
  std::fprintf(out, "\n   host assist: %llu requests, %llu refused",
               (unsigned long long)machine.host_assist().requests(), (unsigned long long)machine.host_assist().rejected());
  std::fprintf(out, "\n   kvm stats:");
  for (const auto& [name, delta] : report.kvm_stat_deltas)
    std::fprintf(out, " %s +%llu", name.c_str(), (unsigned long long)delta);
  std::fprintf(out, "\n");
}

Result<int> run_image(const kvm::System& kvm, const loader::RomImage& image, const RunOptions& options,
                      ImageReport& report) {
  std::FILE* out = text_stream(options);
  text(out, "== %s\n", image.name());
  if (out) std::fflush(out);
  Console console(out);
  machine::MachineOptions machine_options{options.ram_size, [&](char byte) { console.put(byte); },
                                          options.extra_regions ? &*options.extra_regions : nullptr,
                                          options.image_arguments, options.smp};
  auto machine = SLOTBOX_TRY(machine::PcMachine::create(kvm, machine_options, image.bytes()));
  const auto& expected = image.expectation();
  auto limit = expected.limit_ms ? std::chrono::milliseconds(expected.limit_ms) : options.timeout;
  auto stats_before = options.stats ? stat_snapshot(*machine) : std::map<std::string, uint64_t>{};
  RunEnd end = SLOTBOX_TRY(machine::run_until_end(*machine, limit, options.trace ? stderr : nullptr));
  console.flush();

  report.name = image.name();
  report.end = machine::end_kind_name(end.kind);
  report.end_detail = end.detail;
  report.status = end.status;
  report.elapsed_ms = end.elapsed.count() / 1000.0;
  report.exits = end.exits;
  report.checks = console.checks();
  size_t guest_checks = report.checks.size();
  int exit_code = judge(expected, end, report);
  if (options.stats) {
    for (const auto& [reason, n] : machine->exits().by_reason()) report.exit_kinds[kvm::exit_reason_name(reason)] = n;
    report.kvm_stat_deltas = nonzero_deltas(stats_before, stat_snapshot(*machine));
  }
  if (out) {
    std::fprintf(out, "-- %s: %s; %zu checks, %llu exits in %.1f ms\n", image.name().c_str(),
                 report.verdict.c_str(), guest_checks, static_cast<unsigned long long>(end.exits), report.elapsed_ms);
    if (options.stats) print_stats(out, report, *machine);
    std::fflush(out);
  }
  return exit_code;
}

// Writes next to the target and renames, so a failed run never leaves half a report.
Result<void> write_report(const std::string& path, const std::string& contents) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file || !(file << contents) || !file.flush()) {
      Error error = Error::from_errno("--output " + path).as(ErrorKind::kBadInput);
      std::remove(temporary.c_str());
      return fail(std::move(error));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    Error error = Error::from_errno("--output " + path);
    std::remove(temporary.c_str());
    return fail(std::move(error));
  }
  return {};
}

std::string formatted(ReportFormat format, const RunReport& report) {
  switch (format) {
  case ReportFormat::kTap: return write_tap(report);
  case ReportFormat::kJson: return write_json(report);
  case ReportFormat::kJunit: return write_junit(report);
  case ReportFormat::kText: break;
  }
  return {};
}

} // namespace

int run_command(const RunOptions& options) {
  auto images = resolve_images(options.images);
  if (!images) return report_error(images.error());
  auto kvm = kvm::System::open();
  if (!kvm) return report_error(kvm.error());

  RunReport report{kvm::detect_backend().describe(), options.ram_size, {}, {}};
  std::FILE* out = text_stream(options);
  if (out)
    std::fprintf(out, "slotbox: %s, RAM %s, %zu image%s\n", report.backend.c_str(),
                 describe_size(options.ram_size).c_str(), images->size(), images->size() == 1 ? "" : "s");
  int exit_code = kExitPassed;
  for (const auto& image : *images) {
    ImageReport image_report;
    auto result = run_image(*kvm, image, options, image_report);
    if (!result) return report_error(result.error());
    report.total += count(image_report.checks);
    report.images.push_back(std::move(image_report));
    exit_code = std::max(exit_code, *result);
  }
  if (out)
    std::fprintf(out, "slotbox: %llu passed, %llu failed, %llu skipped\n",
                 static_cast<unsigned long long>(report.total.passed),
                 static_cast<unsigned long long>(report.total.failed),
                 static_cast<unsigned long long>(report.total.skipped));

  std::string contents = options.format == ReportFormat::kText ? std::string() : formatted(options.format, report);
  if (!options.output_path.empty()) {
    if (options.format == ReportFormat::kText) return report_error(Error::bad_input("--output", "needs --format tap, json or junit"));
    if (auto written = write_report(options.output_path, contents); !written) return report_error(written.error());
  } else if (!contents.empty()) {
    std::fputs(contents.c_str(), stdout);
  }
  return exit_code;
}

} // namespace slotbox::cli
