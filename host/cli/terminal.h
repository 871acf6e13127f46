// What slotbox does for a person at a terminal and never into a pipe, a file or a report:
// colour on the outcome words (ok, not ok, FAILED, ...) and a progress line for runs over a
// second. Colour follows https://no-color.org: NO_COLOR set to anything but "" turns it
// off, and so does TERM=dumb (which turns the progress line off too: it needs \r and
// "erase line").
#pragma once

#include <string>
#include <string_view>

namespace slotbox::cli {

struct TerminalStyle {
  bool colour = false;
  bool progress = false;
};

// The decision, from its inputs: whether stdout is a terminal, $NO_COLOR and $TERM
// (nullptr when unset), and whether stdout carries a report (--format json|tap|junit
// without --output), which must stay plain bytes.
TerminalStyle terminal_style(bool stdout_is_terminal, const char* no_color, const char* term,
                             bool report_on_stdout);
// The same for this process's stdout and environment.
TerminalStyle detect_terminal_style(bool report_on_stdout);

// A console line with its outcome word coloured: "ok" green, "not ok" red, "ok ... # SKIP"
// yellow, "Bail out!" red; a kvm-unit-tests line's PASS/FAIL/SKIP/XFAIL/XPASS likewise.
// Unchanged without colour or for any other line.
std::string paint_console_line(std::string_view line, bool colour);
// A host verdict ("passed (...)", "FAILED (...)", "CRASHED (...)") with its first word coloured.
std::string paint_verdict(std::string_view verdict, bool colour);
// `text` in red (failures in a summary), or as it is.
std::string paint_failure(std::string_view text, bool colour);

} // namespace slotbox::cli
