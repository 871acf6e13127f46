// What slotbox does on a terminal, decided and drawn without one: colour and progress only
// for a terminal that is not carrying a report, NO_COLOR and TERM=dumb as they promise,
// the outcome words coloured, and the progress line's text.
#include "host/cli/progress.h"
#include "host/cli/terminal.h"

#include <doctest/doctest.h>

using namespace slotbox::cli;

TEST_CASE("colour and progress only on a terminal that carries no report") {
  auto style = terminal_style(true, nullptr, "xterm-256color", false);
  CHECK(style.colour);
  CHECK(style.progress);
  style = terminal_style(false, nullptr, "xterm", false);  // a pipe or a file
  CHECK(!style.colour);
  CHECK(!style.progress);
  style = terminal_style(true, nullptr, "xterm", true);  // --format json on the terminal
  CHECK(!style.colour);
  CHECK(!style.progress);
}

TEST_CASE("NO_COLOR set to anything but empty turns colour off, not progress; TERM=dumb both") {
  auto style = terminal_style(true, "1", "xterm", false);
  CHECK(!style.colour);
  CHECK(style.progress);
  CHECK(terminal_style(true, "", "xterm", false).colour);  // no-color.org: an empty NO_COLOR is unset
  style = terminal_style(true, nullptr, "dumb", false);
  CHECK(!style.colour);
  CHECK(!style.progress);
  CHECK(terminal_style(true, nullptr, nullptr, false).colour);  // no TERM at all (a chroot)
}

TEST_CASE("outcome words are coloured, the rest of the line is as it was") {
  CHECK(paint_console_line("ok 1 - fine", true) == "\033[32mok\033[0m 1 - fine");
  CHECK(paint_console_line("not ok 2 - bad # x.cpp:3", true) == "\033[31mnot ok\033[0m 2 - bad # x.cpp:3");
  CHECK(paint_console_line("ok 3 - later # SKIP no host", true) == "\033[33mok\033[0m 3 - later # SKIP no host");
  CHECK(paint_console_line("Bail out! unexpected exception", true) == "\033[31mBail out!\033[0m unexpected exception");
  CHECK(paint_console_line("FAIL emulator (151 tests)", true) == "\033[31mFAIL\033[0m emulator (151 tests)");
  CHECK(paint_console_line("PASS smptest (1 tests)", true) == "\033[32mPASS\033[0m smptest (1 tests)");
  CHECK(paint_console_line("PASSWORD", true) == "PASSWORD");
  CHECK(paint_console_line("# metric x 1 -", true) == "# metric x 1 -");
  CHECK(paint_console_line("not ok 2 - bad", false) == "not ok 2 - bad");
  CHECK(paint_verdict("FAILED (guest exit: status 1)", true) == "\033[31mFAILED\033[0m (guest exit: status 1)");
  CHECK(paint_verdict("CRASHED (triple fault)", true).starts_with("\033[31mCRASHED"));
  CHECK(paint_verdict("passed (guest exit: status 0)", true).starts_with("\033[32mpassed"));
  CHECK(paint_verdict("passed (guest exit: status 0)", false) == "passed (guest exit: status 0)");
  CHECK(paint_failure("failed", true) == "\033[31mfailed\033[0m");
}

TEST_CASE("the progress line: images ended of all, failures, what runs, the time") {
  ProgressState state{26, 3, 1, {"touch", "smp-remap"}};
  CHECK(progress_line(state, std::chrono::milliseconds(2400)) == "[3/26] 1 failed; running touch, smp-remap; 2.4 s");
  CHECK(progress_line(ProgressState{5, 5, 0, {}}, std::chrono::milliseconds(1250)) == "[5/5] 1.2 s");
}
