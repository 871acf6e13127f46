// What a run found, image by image, and the writers for --format tap|json|junit. The
// text format is streamed while images run (run_command.cpp).
#pragma once

#include "host/cli/check_result.h"
#include "host/cli/metric.h"
#include "host/debug/crash_report.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slotbox::cli {

enum class ReportFormat { kText, kTap, kJson, kJunit };

struct ImageReport {
  std::string name;
  bool passed = false;
  std::string verdict;        // "passed (guest exit: status 0)"
  std::string end;            // "guest exit", "timeout", "triple fault", ...
  std::string end_detail;     // "KVM_EXIT_SHUTDOWN (triple fault) at rip 0x2017f3"
  uint32_t status = 0;        // for a guest exit
  double elapsed_ms = 0;
  uint64_t exits = 0;
  std::vector<CheckResult> checks;  // the guest's, plus one for how the run ended where it counts
  CheckCounts unlisted;             // the guest's checks past the console's listing cap: counted only
  std::vector<Metric> metrics;      // the guest's metric() lines
  std::vector<std::string> comments;  // the guest's other "#" lines
  std::map<std::string, uint64_t> exit_kinds;  // --stats
  std::map<std::string, uint64_t> kvm_stat_deltas;  // --stats, non-zero only
  std::optional<debug::CrashReport> crash;  // registers and stack where a run ended unexpectedly
};

struct RunReport {
  std::string backend;
  uint64_t ram_size = 0;
  std::vector<ImageReport> images;
  CheckCounts total;
};

// "touch, faults/spin": the images that did not pass, in run order ("" when all did).
std::string failed_image_names(const RunReport& report);

std::string write_tap(const RunReport& report);
std::string write_json(const RunReport& report);
std::string write_junit(const RunReport& report);
// The writer `format` names; nothing for kText, which is streamed while images run.
std::string write_report(ReportFormat format, const RunReport& report);

} // namespace slotbox::cli
