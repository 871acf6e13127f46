#include "host/cli/check_result.h"
#include "host/cli/console.h"
#include "host/machine/verdict.h"

#include <doctest/doctest.h>

using namespace slotbox;
using cli::Outcome;
using machine::EndKind;
using machine::RunEnd;
using machine::VerdictKind;

namespace {

RunEnd exit_with(uint32_t code) { return RunEnd{EndKind::kGuestExit, code, "status " + std::to_string(code)}; }

} // namespace

TEST_CASE("kvm-unit-tests report lines become checks, counted as its runner counts them") {
  struct Case {
    const char* line;
    Outcome outcome;
    const char* name;
  };
  for (const auto& c : {Case{"PASS: IPI to each CPU", Outcome::kPass, "IPI to each CPU"},
                        Case{"FAIL: msr: FS_BASE", Outcome::kFail, "msr: FS_BASE"},
                        Case{"SKIP: rdpid not supported", Outcome::kSkip, "rdpid not supported"},
                        Case{"XFAIL: a known erratum", Outcome::kPass, "a known erratum"},
                        Case{"XPASS: a known erratum", Outcome::kFail, "a known erratum"},
                        Case{"KFAIL: a known KVM bug", Outcome::kPass, "a known KVM bug"}}) {
    CAPTURE(c.line);
    auto check = cli::parse_check_line(c.line);
    REQUIRE(check);
    CHECK(check->outcome == c.outcome);
    CHECK(check->name == c.name);
  }
  CHECK_FALSE(cli::parse_check_line("PASSED: not a report line"));
  CHECK_FALSE(cli::parse_check_line("SUMMARY: 4 tests"));
}

TEST_CASE("the console keeps a kernel's SUMMARY line") {
  cli::Console console(nullptr);
  for (char byte : std::string("PASS: one\nFAIL: two\nSUMMARY: 2 tests, 1 unexpected failures\n")) console.put(byte);
  console.flush();
  CHECK(console.summary() == "2 tests, 1 unexpected failures");
  CHECK(cli::count(console.checks()).passed == 1);
  CHECK(cli::count(console.checks()).failed == 1);
}

TEST_CASE("a kernel's exit code is judged as kvm-unit-tests' runner does") {
  SUBCASE("0: passed (QEMU status 1)") {
    auto verdict = machine::judge_kernel(exit_with(0), 0, "4 tests");
    CHECK(verdict.kind == VerdictKind::kPassed);
    CHECK(verdict.text == "passed (exit code 0, QEMU status 1; SUMMARY: 4 tests)");
    CHECK_FALSE(verdict.run_check);
  }
  SUBCASE("0 with a failed check still fails") {
    CHECK(machine::judge_kernel(exit_with(0), 1, "").kind == VerdictKind::kFailed);
  }
  SUBCASE("1: failures (QEMU status 3); a check only when none was reported") {
    auto verdict = machine::judge_kernel(exit_with(1), 2, "");
    CHECK(verdict.kind == VerdictKind::kFailed);
    CHECK(verdict.text == "FAILED (exit code 1, QEMU status 3)");
    CHECK_FALSE(verdict.run_check);
    auto silent = machine::judge_kernel(exit_with(1), 0, "");
    REQUIRE(silent.run_check);
    CHECK_FALSE(silent.run_check->passed);
  }
  SUBCASE("38: skipped (QEMU status 77)") {
    auto verdict = machine::judge_kernel(exit_with(38), 0, "");
    CHECK(verdict.kind == VerdictKind::kSkipped);
    CHECK(verdict.text == "skipped (exit code 38, QEMU status 77)");
    REQUIRE(verdict.run_check);
    CHECK(verdict.run_check->skipped);
  }
  SUBCASE("anything else: abort, even a code the ROM runtime uses for a crash") {
    for (uint32_t code : {2u, 63u, 0x40u + 14}) {
      CAPTURE(code);
      RunEnd end = machine::guest_exit_end(code);
      auto verdict = machine::judge_kernel(end, 0, "");
      CHECK(verdict.kind == VerdictKind::kCrashed);
      CHECK(verdict.text.ends_with(": abort)"));
    }
  }
  SUBCASE("a timeout or triple fault: crashed") {
    RunEnd end{EndKind::kTimeout, 0, "no end within 10000 ms at rip 0x4001f5"};
    auto verdict = machine::judge_kernel(end, 0, "");
    CHECK(verdict.kind == VerdictKind::kCrashed);
    CHECK(verdict.text == "CRASHED (timeout: no end within 10000 ms at rip 0x4001f5, expected a kvm-unit-tests exit code)");
  }
}
