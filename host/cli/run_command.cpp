#include "host/cli/run_command.h"

#include "host/cli/console.h"
#include "host/cli/exit_code.h"
#include "host/cli/image_source.h"
#include "host/cli/size_option.h"
#include "host/kvm/backend.h"
#include "host/kvm/system.h"
#include "host/machine/pc_machine.h"
#include "host/machine/run_loop.h"

#include <algorithm>
#include <cstdio>

namespace slotbox::cli {
namespace {

using machine::EndKind;
using machine::RunEnd;

struct ImageResult {
  CheckCounts counts;
  int exit_code = kExitPassed;
};

std::string format_elapsed(std::chrono::microseconds elapsed) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", elapsed.count() / 1000.0);
  return text;
}

// Compares how the run ended with what the image declared, and adds the run itself as a
// check where the guest could not report one: a negative image that ended as declared
// passes, any other unexpected end fails.
ImageResult judge(const loader::Expectation& expected, const RunEnd& end, CheckCounts counts,
                  std::string& verdict) {
  EndKind expected_kind = machine::end_kind_of(expected.end);
  bool as_declared = end.kind == expected_kind &&
                     (end.kind != EndKind::kGuestExit || end.status == expected.status);
  ImageResult result{counts, kExitPassed};
  std::string how = std::string(machine::end_kind_name(end.kind)) + ": " + end.detail;
  if (as_declared && expected_kind != EndKind::kGuestExit) {
    ++result.counts.passed;
    verdict = "passed (" + how + ", as declared)";
  } else if (as_declared) {
    result.exit_code = counts.failed > 0 ? kExitCheckFailed : kExitPassed;
    verdict = counts.failed > 0 ? "FAILED (" + how + ")" : "passed (" + how + ")";
  } else if (end.kind == EndKind::kGuestExit) {
    if (counts.failed == 0) ++result.counts.failed;
    result.exit_code = kExitCheckFailed;
    verdict = "FAILED (" + how + ", expected status " + std::to_string(expected.status) + ")";
  } else {
    ++result.counts.failed;
    result.exit_code = kExitGuestCrashed;
    verdict = "CRASHED (" + how + ", expected " + machine::end_kind_name(expected_kind) + ")";
  }
  return result;
}

Result<ImageResult> run_image(const kvm::System& kvm, const loader::RomImage& image,
                              const RunOptions& options) {
  std::printf("== %s\n", image.name().c_str());
  std::fflush(stdout);
  Console console(stdout);
  machine::MachineOptions machine_options{options.ram_size, [&](char byte) { console.put(byte); },
                                          options.extra_regions ? &*options.extra_regions : nullptr,
                                          options.image_arguments};
  auto machine = SLOTBOX_TRY(machine::PcMachine::create(kvm, machine_options, image.bytes()));
  const auto& expected = image.expectation();
  auto limit = expected.limit_ms ? std::chrono::milliseconds(expected.limit_ms) : options.timeout;
  RunEnd end = SLOTBOX_TRY(machine::run_until_end(*machine, limit));
  console.flush();

  std::string verdict;
  ImageResult result = judge(expected, end, console.counts(), verdict);
  std::printf("-- %s: %s; %llu checks, %llu exits in %s\n", image.name().c_str(), verdict.c_str(),
              static_cast<unsigned long long>(console.counts().total()),
              static_cast<unsigned long long>(end.exits), format_elapsed(end.elapsed).c_str());
  std::fflush(stdout);
  return result;
}

} // namespace

int run_command(const RunOptions& options) {
  auto images = resolve_images(options.images);
  if (!images) return report_error(images.error());
  auto kvm = kvm::System::open();
  if (!kvm) return report_error(kvm.error());

  std::printf("slotbox: %s, RAM %s, %zu image%s\n", kvm::detect_backend().describe().c_str(),
              describe_size(options.ram_size).c_str(), images->size(),
              images->size() == 1 ? "" : "s");
  CheckCounts total;
  int exit_code = kExitPassed;
  for (const auto& image : *images) {
    auto result = run_image(*kvm, image, options);
    if (!result) return report_error(result.error());
    total += result->counts;
    exit_code = std::max(exit_code, result->exit_code);
  }
  std::printf("slotbox: %llu passed, %llu failed, %llu skipped\n",
              static_cast<unsigned long long>(total.passed),
              static_cast<unsigned long long>(total.failed),
              static_cast<unsigned long long>(total.skipped));
  return exit_code;
}

} // namespace slotbox::cli
