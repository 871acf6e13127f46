#include "host/cli/run_command.h"

#include "host/base/format.h"
#include "host/cli/console.h"
#include "host/cli/exit_code.h"
#include "host/cli/image_source.h"
#include "host/cli/interrupts.h"
#include "host/cli/ordered_jobs.h"
#include "host/cli/output_file.h"
#include "host/cli/progress.h"
#include "host/kvm/backend.h"
#include "host/kvm/system.h"
#include "host/machine/gdb_machine_target.h"
#include "host/machine/pc_machine.h"
#include "host/machine/run_controller.h"
#include "host/machine/verdict.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace slotbox::cli {
namespace {

using machine::RunEnd;

// Where text goes: stdout when the text report is what was asked for on stdout, else
// nowhere (a JSON report on stdout must be nothing but JSON).
std::FILE* text_stream(const RunOptions& options) {
  return options.format == ReportFormat::kText || !options.output_path.empty() ? stdout : nullptr;
}

void text(std::FILE* stream, const char* format, const std::string& a = {}, const std::string& b = {}) {
  if (stream) std::fprintf(stream, format, a.c_str(), b.c_str());
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

// Names from the image's ELF where there is one; bare addresses otherwise, saying why.
debug::CrashReport symbolized(const debug::CrashState& state, const std::string& elf) {
  if (elf.empty()) return debug::symbolize(state, nullptr, "nowhere (no ELF for this image)");
  auto symbols = debug::Symbolizer::open(elf);
  if (!symbols) return debug::symbolize(state, nullptr, "nowhere (" + symbols.error().message() + ")");
  return debug::symbolize(state, &*symbols, elf);
}

// The exit code for a verdict (README "Exit codes").
int exit_code_of(machine::VerdictKind kind) {
  switch (kind) {
  case machine::VerdictKind::kPassed: return kExitPassed;
  case machine::VerdictKind::kFailed: return kExitCheckFailed;
  case machine::VerdictKind::kCrashed: return kExitGuestCrashed;
  case machine::VerdictKind::kSkipped: return kExitPassed;  // 77 means KVM itself is unavailable
  }
  return kExitGuestCrashed;
}

// A kernel's segments, info block and modules in guest RAM, and the BSP at its entry.
Result<void> load_kernel(machine::PcMachine& machine, const RunImage& image) {
  const machine::PcLayout& layout = machine.map().layout();
  auto boot = SLOTBOX_TRY(loader::plan_multiboot(*image.kernel, {layout.low_ram(), layout.high_ram()}, image.kernel_options));
  return machine.boot_multiboot(boot);
}

Outcome outcome_of(const machine::RunCheck& check) {
  if (check.skipped) return Outcome::kSkip;
  return check.passed ? Outcome::kPass : Outcome::kFail;
}

struct ImageRun {
  bool started = false;  // false: an interruption came before its turn
  Result<int> exit_code = 0;
  ImageReport report;
  std::string text;  // buffered under --jobs, printed whole in image order
};

// Every image, in parallel under --jobs N (each in its own VM), its text printed whole
// and in image order; one at a time and streamed otherwise. A serial run stops at the
// first host error; a parallel one finishes the images already started, and the caller
// reports the first error in image order either way.
std::vector<ImageRun> run_images(const kvm::System& kvm, const std::vector<RunImage>& images,
                                 const RunOptions& options) {
  std::vector<ImageRun> runs(images.size());
  std::FILE* out = text_stream(options);
  Progress progress(options.terminal.progress, images.size());
  auto run_one = [&](size_t i, std::FILE* text) {
    runs[i].started = true;
    progress.started(images[i].name());
    runs[i].exit_code = run_image(kvm, images[i], options, text, runs[i].report);
    progress.ended(images[i].name(), runs[i].exit_code && *runs[i].exit_code == kExitPassed);
  };
  if (options.jobs <= 1 || images.size() <= 1) {
    for (size_t i = 0; i < images.size(); ++i) {
      if (interrupt_signal()) return runs;
      run_one(i, out);
      if (!runs[i].exit_code) return runs;
    }
    return runs;
  }
  run_ordered(OrderedJobs{
      images.size(), options.jobs, [&](size_t i) { return !images[i].kernel && images[i].rom.expectation().runs_alone; },
      [&](size_t i) {
        if (interrupt_signal()) return;
        char* buffer = nullptr;
        size_t size = 0;
        std::FILE* captured = out ? open_memstream(&buffer, &size) : nullptr;
        run_one(i, captured);
        if (captured) {
          std::fclose(captured);
          runs[i].text.assign(buffer, size);
          std::free(buffer);
        }
      },
      [&](size_t i) {
        if (!out) return;
        std::fwrite(runs[i].text.data(), 1, runs[i].text.size(), out);
        std::fflush(out);
      }});
  return runs;
}

// Stopped by SIGINT/SIGTERM: no verdict, the run says how far it got.
int interrupted(std::FILE* out, ImageReport& report) {
  report.verdict = "interrupted (" + report.end_detail + ")";
  if (out) {
    std::fprintf(out, "-- %s: %s; %zu checks, %llu exits in %.1f ms\n", report.name.c_str(), report.verdict.c_str(),
                 report.checks.size() + report.unlisted.total(), static_cast<unsigned long long>(report.exits),
                 report.elapsed_ms);
    std::fflush(out);
  }
  return exit_code_for_signal(interrupt_signal());
}

// After SIGINT/SIGTERM: which images ended, which was stopped, how many never started, on
// stderr; no report is written, and the exit code is 128 + the signal.
int report_interruption(const std::vector<RunImage>& images, const std::vector<ImageRun>& runs) {
  std::string ended, stopped;
  size_t not_started = 0;
  CheckCounts total;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].started) {
      ++not_started;
      continue;
    }
    bool was_stopped = !runs[i].exit_code || runs[i].report.end == "interrupted";
    std::string& list = was_stopped ? stopped : ended;
    list += (list.empty() ? "" : ", ") + images[i].name();
    total += count(runs[i].report.checks);
    total += runs[i].report.unlisted;
  }
  int signal = interrupt_signal();
  std::fflush(stdout);
  std::fprintf(stderr, "slotbox: interrupted by %s: ended: %s; stopped: %s; not started: %zu; checks %llu passed, %llu failed, "
               "%llu skipped; no report written\n", signal_name(signal).c_str(), ended.empty() ? "none" : ended.c_str(),
               stopped.empty() ? "none" : stopped.c_str(), not_started, static_cast<unsigned long long>(total.passed),
               static_cast<unsigned long long>(total.failed), static_cast<unsigned long long>(total.skipped));
  return exit_code_for_signal(signal);
}

// The last line of a text run: the check counts and, when any failed, which images did.
void print_summary(std::FILE* out, const RunReport& report, bool colour) {
  std::string failed = std::to_string(report.total.failed) + " failed";
  std::fprintf(out, "slotbox: %llu passed, %s, %llu skipped", static_cast<unsigned long long>(report.total.passed),
               report.total.failed ? paint_failure(failed, colour).c_str() : failed.c_str(),
               static_cast<unsigned long long>(report.total.skipped));
  std::string names = failed_image_names(report);
  if (!names.empty()) std::fprintf(out, "; %s: %s", paint_failure("failed", colour).c_str(), names.c_str());
  std::fprintf(out, "\n");
}

} // namespace

Result<int> run_image(const kvm::System& kvm, const RunImage& image, const RunOptions& options,
                      std::FILE* out, ImageReport& report) {
  text(out, "== %s\n", image.name());
  if (out) std::fflush(out);
  Console console(out, options.console_limit, options.terminal.colour);
  machine::MachineOptions machine_options{options.ram_size, [&](char byte) { console.put(byte); },
                                          options.extra_regions ? &*options.extra_regions : nullptr,
                                          arguments_for(image.name(), options.image_arguments,
                                                        options.per_image_arguments),
                                          options.smp,
                                          image.kernel != nullptr,  // kvm-unit-tests expects pc-testdev
                                          options.cpuid, options.pit, options.hyperv_testdev};
  auto machine = SLOTBOX_TRY(machine::PcMachine::create(kvm, machine_options, image.rom.bytes()));
  if (image.kernel) SLOTBOX_TRY_VOID(load_kernel(*machine, image));
  const auto& expected = image.rom.expectation();
  // An image's own limit (its header) may shorten the run, never lengthen it past --timeout:
  // a header is the guest's word, the timeout the user's.
  auto limit = expected.limit_ms && !image.kernel
                   ? std::min<std::chrono::milliseconds>(std::chrono::milliseconds(expected.limit_ms), options.timeout)
                   : options.timeout;
  auto stats_before = options.stats ? stat_snapshot(*machine) : std::map<std::string, uint64_t>{};
  machine::GdbMachineTarget gdb_target(*machine);
  if (options.gdb) options.gdb->attach(gdb_target);
  RunEnd end = SLOTBOX_TRY(machine::run_until_end(*machine, limit, options.trace ? stderr : nullptr, options.gdb,
                                                        options.sandbox));
  console.flush();

  report.name = image.name();
  report.end = machine::end_kind_name(end.kind);
  report.end_detail = end.detail;
  report.status = end.status;
  report.elapsed_ms = end.elapsed.count() / 1000.0;
  report.exits = end.exits;
  report.checks = console.checks();
  report.unlisted = console.unlisted();
  report.metrics = console.metrics();
  report.comments = console.comments();
  if (end.kind == machine::EndKind::kInterrupted) return interrupted(out, report);
  size_t guest_checks = report.checks.size() + report.unlisted.total();
  uint64_t failed = count(report.checks).failed + report.unlisted.failed;
  machine::Verdict verdict = image.kernel ? machine::judge_kernel(end, failed, console.summary())
                                          : machine::judge(expected, end, failed, machine->backend());
  report.verdict = verdict.text;
  if (verdict.run_check)
    report.checks.push_back({outcome_of(*verdict.run_check), verdict.run_check->name, verdict.run_check->detail});
  int exit_code = exit_code_of(verdict.kind);
  report.passed = exit_code == kExitPassed;
  if (end.crash) report.crash = symbolized(*end.crash, image.debug_elf);
  if (options.stats) {
    for (const auto& [reason, n] : machine->exits().by_reason()) report.exit_kinds[kvm::exit_reason_name(reason)] = n;
    report.kvm_stat_deltas = nonzero_deltas(stats_before, stat_snapshot(*machine));
  }
  if (out) {
    std::fprintf(out, "-- %s: %s; %zu checks, %llu exits in %.1f ms\n", image.name().c_str(),
                 paint_verdict(report.verdict, options.terminal.colour).c_str(), guest_checks,
                 static_cast<unsigned long long>(end.exits), report.elapsed_ms);
    // An end the image declared (faults/...) is no surprise: its report is in --format json.
    if (report.crash && verdict.kind == machine::VerdictKind::kCrashed)
      for (const std::string& line : debug::crash_report_lines(*report.crash)) std::fprintf(out, "   %s\n", line.c_str());
    if (options.stats) print_stats(out, report, *machine);
    std::fflush(out);
  }
  return exit_code;
}

// --gdb: the stub listens before anything runs, so gdb can connect as soon as this says so.
Result<std::unique_ptr<debug::gdb::GdbServer>> start_gdb(const RunOptions& options, size_t image_count) {
  if (!options.gdb_port) {
    if (options.gdb_wait) return fail(Error::bad_input("--gdb-wait", "needs --gdb PORT"));
    return nullptr;
  }
  if (image_count != 1)
    return fail(Error::bad_input("--gdb " + std::to_string(*options.gdb_port),
                                 "debugs one image; " + std::to_string(image_count) + " are named"));
  auto server = SLOTBOX_TRY(debug::gdb::GdbServer::listen(*options.gdb_port, options.gdb_wait));
  std::fprintf(stderr, "slotbox: gdb stub on 127.0.0.1:%u%s (gdb: target remote :%u)\n", server->port(),
               options.gdb_wait ? ", stopped at the reset vector" : "", server->port());
  std::fflush(stderr);
  return server;
}

int run_command(const RunOptions& given_options) {
  watch_interrupts();
  auto images = resolve_images(given_options.images, given_options.kernel);
  if (!images) return report_error(images.error());
  std::optional<OutputFile> output;
  if (!given_options.output_path.empty()) {
    auto prepared = OutputFile::prepare(given_options.output_path);
    if (!prepared) return report_error(prepared.error());
    output.emplace(std::move(*prepared));
  }
  auto gdb = start_gdb(given_options, images->size());
  if (!gdb) return report_error(gdb.error());
  auto kvm = kvm::System::open();
  if (!kvm) return report_error(kvm.error());
  RunOptions options = given_options;
  options.gdb = gdb->get();
  options.terminal = detect_terminal_style(options.format != ReportFormat::kText && options.output_path.empty());
  // --trace and the gdb stub write to the terminal on stderr: a status line would cut into them.
  if (options.trace || options.gdb) options.terminal.progress = false;

  RunReport report{kvm::detect_backend().describe(), options.ram_size, {}, {}};
  std::FILE* out = text_stream(options);
  if (out)
    std::fprintf(out, "slotbox: %s, RAM %s, %zu image%s\n", report.backend.c_str(),
                 describe_size(options.ram_size).c_str(), images->size(), images->size() == 1 ? "" : "s");
  std::vector<ImageRun> runs = run_images(*kvm, *images, options);
  if (interrupt_signal()) return report_interruption(*images, runs);
  int exit_code = kExitPassed;
  for (ImageRun& run : runs) {
    if (!run.exit_code) return report_error(run.exit_code.error());
    report.total += count(run.report.checks);
    report.total += run.report.unlisted;
    report.images.push_back(std::move(run.report));
    exit_code = std::max(exit_code, *run.exit_code);
  }
  if (out) print_summary(out, report, options.terminal.colour);

  std::string contents = options.format == ReportFormat::kText ? std::string() : write_report(options.format, report);
  if (output) {
    if (auto written = output->commit(contents); !written) return report_error(written.error());
  } else if (!contents.empty()) {
    std::fputs(contents.c_str(), stdout);
  }
  return exit_code;
}

} // namespace slotbox::cli
