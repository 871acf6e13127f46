#include "host/cli/console.h"

#include "host/cli/terminal.h"

namespace slotbox::cli {
namespace {

bool printable(char byte) {
  auto value = static_cast<unsigned char>(byte);
  return value == '\t' || (value >= 0x20 && value < 0x7F);
}

} // namespace

void Console::put(char byte) {
  if (++m_bytes > m_echo_limit && !m_truncated) {
    // The line so far is still echoed; nothing after it is. It is parsed whole when it
    // ends: cut here, "not ok N" became a passing "ok N" (tests/fuzz/tap_line_fuzzer.cpp).
    if (m_echo && !m_line.empty()) std::fprintf(m_echo, "%s\n", paint_console_line(m_line, m_colour).c_str());
    std::string note = "# console truncated after " + std::to_string(m_echo_limit) + " bytes";
    if (m_echo) std::fprintf(m_echo, "%s\n", note.c_str());
    if (within_listing(sizeof note + note.size())) m_comments.push_back(std::move(note));
    m_truncated = true;
  }
  if (byte == '\n') return end_line();
  if (byte == '\r') return;
  m_line += printable(byte) ? byte : '?';
  if (m_line.size() >= kMaxLine) end_line();
}

void Console::flush() {
  if (!m_line.empty()) end_line();
  if (m_echo) std::fflush(m_echo);
}

void Console::end_line() {
  if (auto check = parse_check_line(m_line)) {
    keep(std::move(*check));
  } else if (auto metric = parse_metric_line(m_line)) {
    if (within_listing(sizeof *metric + m_line.size())) m_metrics.push_back(std::move(*metric));
  } else if (m_line.starts_with('#')) {
    if (within_listing(sizeof m_line + m_line.size())) m_comments.push_back(m_line);
  }
  constexpr std::string_view kSummary = "SUMMARY: ";
  if (m_line.starts_with(kSummary)) m_summary = m_line.substr(kSummary.size());
  if (m_echo && !m_truncated) std::fprintf(m_echo, "%s\n", paint_console_line(m_line, m_colour).c_str());
  m_line.clear();
}

void Console::keep(CheckResult check) {
  if (!within_listing(sizeof check + check.name.size() + check.detail.size())) return m_unlisted.add(check.outcome);
  m_checks.push_back(std::move(check));
}

bool Console::within_listing(size_t bytes) {
  m_listed_bytes += bytes;
  return m_listed_bytes <= m_listed_limit;
}

} // namespace slotbox::cli
