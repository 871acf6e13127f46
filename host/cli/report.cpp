#include "host/cli/report.h"

#include "host/base/format.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace slotbox::cli {
namespace {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
  case Outcome::kPass: return "pass";
  case Outcome::kFail: return "fail";
  case Outcome::kSkip: return "skip";
  }
  return "?";
}

std::string xml_escaped(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
    case '&': escaped += "&amp;"; break;
    case '<': escaped += "&lt;"; break;
    case '>': escaped += "&gt;"; break;
    case '"': escaped += "&quot;"; break;
    default: escaped += c;
    }
  }
  return escaped;
}

std::string summary_line(const CheckCounts& total) {
  return std::to_string(total.passed) + " passed, " + std::to_string(total.failed) + " failed, " +
         std::to_string(total.skipped) + " skipped";
}

std::string metric_text(const Metric& metric) {
  return "metric " + metric.name + " " + std::to_string(metric.value) + " " + metric.unit;
}

} // namespace

std::string failed_image_names(const RunReport& report) {
  std::string names;
  for (const ImageReport& image : report.images)
    if (!image.passed) names += (names.empty() ? "" : ", ") + image.name;
  return names;
}

// One TAP stream for the whole run: checks numbered across images, named "image: check".
std::string write_tap(const RunReport& report) {
  std::string out = "TAP version 13\n# slotbox: " + report.backend + "\n";
  unsigned number = 0;
  for (const ImageReport& image : report.images) {
    out += "# " + image.name + ": " + image.verdict + "\n";
    for (const CheckResult& check : image.checks) {
      out += (check.outcome == Outcome::kFail ? "not ok " : "ok ") + std::to_string(++number) + " - " +
             image.name + ": " + check.name;
      if (check.outcome == Outcome::kSkip) out += " # SKIP " + check.detail;
      else if (!check.detail.empty()) out += " # " + check.detail;
      out += "\n";
    }
    if (image.unlisted.total()) out += "# " + image.name + ": " + summary_line(image.unlisted) + " more, not listed\n";
    for (const Metric& metric : image.metrics) out += "# " + image.name + ": " + metric_text(metric) + "\n";
  }
  out += "1.." + std::to_string(number) + "\n# slotbox: " + summary_line(report.total) + "\n";
  if (std::string failed = failed_image_names(report); !failed.empty()) out += "# slotbox: failed: " + failed + "\n";
  return out;
}

// Registers as "0x..." strings: JSON numbers lose 64-bit values in most readers.
nlohmann::ordered_json crash_json(const debug::CrashReport& crash) {
  const debug::GuestRegisters& regs = crash.registers;
  nlohmann::ordered_json registers;
  for (size_t i = 0; i < debug::kGprCount; ++i) registers[debug::kGprNames[i]] = hex(regs.gpr[i]);
  for (auto [name, value] : {std::pair{"rip", regs.rip}, {"rflags", regs.rflags}, {"cs", uint64_t{regs.cs}},
                             {"ss", uint64_t{regs.ss}}, {"cr0", regs.cr0}, {"cr2", regs.cr2}, {"cr3", regs.cr3},
                             {"cr4", regs.cr4}, {"efer", regs.efer}})
    registers[name] = hex(value);
  nlohmann::ordered_json frames = nlohmann::ordered_json::array();
  for (const debug::CrashFrame& frame : crash.frames)
    frames.push_back({{"address", hex(frame.address)}, {"function", frame.location.function},
                      {"file", frame.location.file}, {"line", frame.location.line},
                      {"inlined", frame.location.inlined}});
  return {{"source", crash.source}, {"registers", registers}, {"frames", frames}, {"symbols", crash.symbols}};
}

std::string write_json(const RunReport& report) {
  nlohmann::ordered_json images = nlohmann::ordered_json::array();
  for (const ImageReport& image : report.images) {
    nlohmann::ordered_json checks = nlohmann::ordered_json::array();
    for (const CheckResult& check : image.checks)
      checks.push_back({{"name", check.name}, {"outcome", outcome_name(check.outcome)}, {"detail", check.detail}});
    nlohmann::ordered_json entry = {{"name", image.name},       {"passed", image.passed},
                                    {"end", image.end},         {"end_detail", image.end_detail},
                                    {"status", image.status},   {"elapsed_ms", image.elapsed_ms},
                                    {"exits", image.exits},     {"checks", checks}};
    nlohmann::ordered_json metrics = nlohmann::ordered_json::array();
    for (const Metric& metric : image.metrics)
      metrics.push_back({{"name", metric.name}, {"value", metric.value}, {"unit", metric.unit}});
    entry["metrics"] = metrics;
    entry["comments"] = image.comments;
    if (image.unlisted.total())
      entry["unlisted_checks"] = {{"passed", image.unlisted.passed}, {"failed", image.unlisted.failed},
                                  {"skipped", image.unlisted.skipped}};
    if (!image.exit_kinds.empty()) entry["exit_kinds"] = image.exit_kinds;
    if (!image.kvm_stat_deltas.empty()) entry["kvm_stat_deltas"] = image.kvm_stat_deltas;
    if (image.crash) entry["crash"] = crash_json(*image.crash);
    images.push_back(entry);
  }
  nlohmann::ordered_json document = {
      {"backend", report.backend},
      {"ram_bytes", report.ram_size},
      {"images", images},
      {"summary", {{"passed", report.total.passed}, {"failed", report.total.failed}, {"skipped", report.total.skipped}}}};
  return document.dump(2) + "\n";
}

namespace {

// An image's metrics as its testsuite's properties: value "15656 cycles/page", the number
// first (a JUnit property has a name and a value, no unit; --format json has all three).
std::string junit_properties(const std::vector<Metric>& metrics) {
  if (metrics.empty()) return {};
  std::string out = "    <properties>\n";
  for (const Metric& metric : metrics)
    out += "      <property name=\"" + xml_escaped(metric.name) + "\" value=\"" + std::to_string(metric.value) + " " +
           xml_escaped(metric.unit) + "\"/>\n";
  return out + "    </properties>\n";
}

// The guest's "#" lines, one a line, as the testsuite's standard output.
std::string junit_system_out(const std::vector<std::string>& comments) {
  if (comments.empty()) return {};
  std::string out = "    <system-out>";
  for (const std::string& comment : comments) out += xml_escaped(comment) + "\n";
  return out + "</system-out>\n";
}

} // namespace

// One <testsuite> per image, one <testcase> per check, as CI systems read JUnit XML.
std::string write_junit(const RunReport& report) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"slotbox\" tests=\"" +
                    std::to_string(report.total.total()) + "\" failures=\"" + std::to_string(report.total.failed) +
                    "\" skipped=\"" + std::to_string(report.total.skipped) + "\">\n";
  for (const ImageReport& image : report.images) {
    CheckCounts counts = count(image.checks);
    counts += image.unlisted;
    char time[32];
    std::snprintf(time, sizeof time, "%.3f", image.elapsed_ms / 1000.0);
    out += "  <testsuite name=\"" + xml_escaped(image.name) + "\" tests=\"" + std::to_string(counts.total()) +
           "\" failures=\"" + std::to_string(counts.failed) + "\" skipped=\"" + std::to_string(counts.skipped) +
           "\" time=\"" + time + "\">\n";
    out += junit_properties(image.metrics);
    for (const CheckResult& check : image.checks) {
      out += "    <testcase classname=\"" + xml_escaped(image.name) + "\" name=\"" + xml_escaped(check.name) + "\"";
      if (check.outcome == Outcome::kPass) {
        out += "/>\n";
        continue;
      }
      out += ">\n      ";
      out += check.outcome == Outcome::kFail ? "<failure message=\"" + xml_escaped(check.detail) + "\"/>"
                                             : "<skipped message=\"" + xml_escaped(check.detail) + "\"/>";
      out += "\n    </testcase>\n";
    }
    out += junit_system_out(image.comments);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

std::string write_report(ReportFormat format, const RunReport& report) {
  switch (format) {
  case ReportFormat::kTap: return write_tap(report);
  case ReportFormat::kJson: return write_json(report);
  case ReportFormat::kJunit: return write_junit(report);
  case ReportFormat::kText: break;
  }
  return {};
}

} // namespace slotbox::cli
