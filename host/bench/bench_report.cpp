#include "host/bench/bench_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace slotbox::bench {
namespace {

// Three significant digits are all repeated trials on a shared machine can back.
std::string number(double value) {
  char text[32];
  double magnitude = std::fabs(value);
  if (magnitude >= 1000 || magnitude == 0)
    std::snprintf(text, sizeof text, "%.0f", value);
  else if (magnitude >= 100)
    std::snprintf(text, sizeof text, "%.1f", value);
  else if (magnitude >= 1)
    std::snprintf(text, sizeof text, "%.2f", value);
  else
    std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

// Figures in these units count things: a whole count prints without a decimal ("360
// instructions", not "360.0"); the median of an even number of trials may still be half.
bool counts(const std::string& unit) {
  return unit == "instructions" || unit == "exits" || unit == "calls" || unit == "regions";
}

std::string spread(const Summary& summary, const std::string& unit) {
  auto show = [&](double value) {
    return counts(unit) && value == std::trunc(value) ? std::to_string(static_cast<int64_t>(value)) : number(value);
  };
  return show(summary.median) + " (" + show(summary.min) + "-" + show(summary.max) + ")";
}

std::string padded(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

// Names line up in a column of at least 40, wider when a name needs it (a space after it).
size_t name_column(const Section& section) {
  size_t width = 40;
  for (const Figure& figure : section.figures) width = std::max(width, figure.name.size() + 1);
  return width;
}

nlohmann::json summary_json(const Summary& summary) {
  return {{"median", summary.median}, {"min", summary.min}, {"max", summary.max}, {"trials", summary.trials}};
}

nlohmann::json figure_json(const Figure& figure) {
  nlohmann::json json = {{"name", figure.name}, {"unit", figure.unit}, {"value", summary_json(figure.value)}};
  if (figure.baseline) {
    json["baseline"] = summary_json(*figure.baseline);
    json["baseline"]["name"] = figure.baseline_name;
  } else {
    json["baseline"] = nullptr;
  }
  json["ratio"] = figure.ratio ? nlohmann::json(*figure.ratio) : nlohmann::json(nullptr);
  json["comparable"] = figure.comparable;
  if (!figure.note.empty()) json["note"] = figure.note;
  return json;
}

} // namespace

Figure compared(Figure figure) {
  if (figure.baseline && figure.baseline->median != 0) figure.ratio = figure.value.median / figure.baseline->median;
  return figure;
}

std::string write_text(const BenchReport& report) {
  std::string out;
  const MachineInfo& m = report.machine;
  out += "slotbox bench" + std::string(report.quick ? " --quick" : "") + ": " + m.cpu + ", " +
         std::to_string(m.cpus) + " CPUs, " + number(m.memory_bytes / 1073741824.0) + " GiB, Linux " + m.kernel +
         ", " + (m.kvm.empty() ? "no KVM (" + m.kvm_unavailable + ")" : m.kvm) + "\n";
  out += "figures: median (min-max) over the trials; ratio = median / baseline median\n";
  for (const Section& section : report.sections) {
    out += "\n== " + section.title + "\n";
    if (!section.skipped.empty()) {
      out += "   skipped: " + section.skipped + "\n";
      continue;
    }
    size_t names = name_column(section);
    for (const Figure& figure : section.figures) {
      std::string line = "   " + padded(figure.name, names) + padded(spread(figure.value, figure.unit) + " " + figure.unit, 34);
      if (figure.baseline) {
        line += "vs " + figure.baseline_name + " " + spread(*figure.baseline, figure.unit);
        if (figure.ratio) line += ": " + number(*figure.ratio) + "x";
        if (!figure.comparable) line += " (not comparable)";
      }
      out += line + "\n";
      if (!figure.note.empty()) out += "      " + figure.note + "\n";
    }
    for (const std::string& note : section.notes) out += "   note: " + note + "\n";
  }
  return out;
}

std::string write_json(const BenchReport& report) {
  const MachineInfo& m = report.machine;
  nlohmann::json machine = {{"cpu", m.cpu}, {"cpus", m.cpus}, {"memory_bytes", m.memory_bytes}, {"kernel", m.kernel}};
  machine["kvm"] = m.kvm.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.kvm);
  if (!m.kvm_unavailable.empty()) machine["kvm_unavailable"] = m.kvm_unavailable;
  nlohmann::json sections = nlohmann::json::array();
  for (const Section& section : report.sections) {
    nlohmann::json json = {{"name", section.name}, {"title", section.title}};
    json["skipped"] = section.skipped.empty() ? nlohmann::json(nullptr) : nlohmann::json(section.skipped);
    json["figures"] = nlohmann::json::array();
    for (const Figure& figure : section.figures) json["figures"].push_back(figure_json(figure));
    json["notes"] = section.notes;
    sections.push_back(std::move(json));
  }
  nlohmann::json root = {{"machine", machine}, {"quick", report.quick}, {"sections", sections}};
  return root.dump(2) + "\n";
}

} // namespace slotbox::bench
