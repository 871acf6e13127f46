#include "host/debug/crash_report.h"

#include <cinttypes>
#include <cstdio>

namespace slotbox::debug {
namespace {

std::string register_text(const char* name, uint64_t value) {
  char text[48];
  std::snprintf(text, sizeof text, "%-6s 0x%016" PRIx64, name, value);
  return text;
}

std::string frame_line(size_t index, const CrashFrame& frame) {
  char head[48];
  std::snprintf(head, sizeof head, "#%zu 0x%" PRIx64, index, frame.address);
  std::string line = head;
  const SourceLocation& where = frame.location;
  line += " in " + (where.function.empty() ? std::string("??") : where.function);
  if (!where.file.empty()) line += " at " + where.file + ":" + std::to_string(where.line);
  if (where.inlined) line += " (inlined)";
  return line;
}

} // namespace

CrashReport symbolize(const CrashState& state, const Symbolizer* symbols, std::string symbols_note) {
  CrashReport report{state.source, state.registers, {}, std::move(symbols_note)};
  for (size_t i = 0; i < state.frames.size(); ++i) {
    uint64_t address = state.frames[i];
    if (!symbols) {
      report.frames.push_back({address, {}});
      continue;
    }
    for (SourceLocation& location : symbols->locate(address, i > 0))
      report.frames.push_back({address, std::move(location)});
  }
  return report;
}

std::vector<std::string> crash_report_lines(const CrashReport& report) {
  const GuestRegisters& regs = report.registers;
  std::vector<std::string> lines{"crash: registers from " + report.source};
  std::vector<std::string> cells;
  for (size_t i = 0; i < kGprCount; ++i) cells.push_back(register_text(kGprNames[i], regs.gpr[i]));
  for (auto [name, value] : {std::pair{"rip", regs.rip}, {"rflags", regs.rflags}, {"cs", uint64_t{regs.cs}},
                             {"ss", uint64_t{regs.ss}}, {"cr0", regs.cr0}, {"cr2", regs.cr2}, {"cr3", regs.cr3},
                             {"cr4", regs.cr4}, {"efer", regs.efer}})
    cells.push_back(register_text(name, value));
  for (size_t i = 0; i < cells.size(); i += 4) {
    std::string line;
    for (size_t j = i; j < cells.size() && j < i + 4; ++j) line += (j > i ? "  " : "") + cells[j];
    lines.push_back(line);
  }
  lines.push_back("stack (frame pointers), symbols from " + report.symbols + ":");
  for (size_t i = 0; i < report.frames.size(); ++i) lines.push_back(frame_line(i, report.frames[i]));
  return lines;
}

} // namespace slotbox::debug
