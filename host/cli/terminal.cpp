#include "host/cli/terminal.h"

#include <unistd.h>

#include <cstdlib>

namespace slotbox::cli {
namespace {

constexpr std::string_view kGreen = "\033[32m", kRed = "\033[31m", kYellow = "\033[33m", kReset = "\033[0m";

std::string painted(std::string_view word, std::string_view colour, std::string_view rest) {
  std::string out;
  out.reserve(word.size() + rest.size() + 16);
  out.append(colour).append(word).append(kReset).append(rest);
  return out;
}

struct Prefix {
  std::string_view word;  // what is coloured
  std::string_view colour;
};

// Order matters: "not ok" before "ok".
constexpr Prefix kPrefixes[] = {
    {"not ok", kRed}, {"Bail out!", kRed}, {"PASS", kGreen},   {"FAIL", kRed},
    {"SKIP", kYellow}, {"XFAIL", kGreen},  {"XPASS", kRed},    {"KFAIL", kGreen},
};

} // namespace

TerminalStyle terminal_style(bool stdout_is_terminal, const char* no_color, const char* term,
                             bool report_on_stdout) {
  if (!stdout_is_terminal || report_on_stdout) return {};
  bool dumb = term && std::string_view(term) == "dumb";
  bool colour_refused = no_color && *no_color;
  return {!dumb && !colour_refused, !dumb};
}

TerminalStyle detect_terminal_style(bool report_on_stdout) {
  return terminal_style(::isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR"), std::getenv("TERM"),
                        report_on_stdout);
}

std::string paint_console_line(std::string_view line, bool colour) {
  if (!colour) return std::string(line);
  if (line.starts_with("ok ")) {
    bool skipped = line.find(" # SKIP") != std::string_view::npos || line.find(" # skip") != std::string_view::npos;
    return painted("ok", skipped ? kYellow : kGreen, line.substr(2));
  }
  for (const Prefix& prefix : kPrefixes) {
    // A word on its own: "PASS smptest", "FAIL: name", never "PASSWORD".
    if (!line.starts_with(prefix.word)) continue;
    std::string_view rest = line.substr(prefix.word.size());
    if (rest.empty() || rest.front() == ' ' || rest.front() == ':') return painted(prefix.word, prefix.colour, rest);
  }
  return std::string(line);
}

std::string paint_verdict(std::string_view verdict, bool colour) {
  if (!colour) return std::string(verdict);
  size_t end = verdict.find(' ');
  std::string_view word = verdict.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view() : verdict.substr(end);
  std::string_view hue = word == "passed" ? kGreen : word == "skipped" || word == "interrupted" ? kYellow : kRed;
  return painted(word, hue, rest);
}

std::string paint_failure(std::string_view text, bool colour) {
  return colour ? painted(text, kRed, {}) : std::string(text);
}

} // namespace slotbox::cli
