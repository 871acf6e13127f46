#include "host/machine/verdict.h"

#include <doctest/doctest.h>

using namespace slotbox;
using machine::EndKind;
using machine::RunEnd;
using machine::VerdictKind;

namespace {

loader::Expectation declares(abi::ExpectedEnd end, uint32_t status = 0) { return {end, status, 0, false}; }

kvm::Backend backend(bool reports_emulation_failure = true) {
  return kvm::Backend{"kvm_amd", kvm::MmuMode::kTdp, reports_emulation_failure};
}

} // namespace

TEST_CASE("an ordinary image passes on status 0 with no failed check") {
  auto expected = declares(abi::ExpectedEnd::kGuestExit);
  SUBCASE("all passed") {
    auto verdict = machine::judge(expected, RunEnd{EndKind::kGuestExit, 0, "status 0"}, 0, backend());
    CHECK(verdict.kind == VerdictKind::kPassed);
    CHECK(verdict.text == "passed (guest exit: status 0)");
    CHECK_FALSE(verdict.run_check);
  }
  SUBCASE("a failed check fails it, with no extra check") {
    auto verdict = machine::judge(expected, RunEnd{EndKind::kGuestExit, 1, "status 1"}, 2, backend());
    CHECK(verdict.kind == VerdictKind::kFailed);
    CHECK_FALSE(verdict.run_check);
  }
  SUBCASE("status 1 with no failed check is itself a failed check") {
    auto verdict = machine::judge(expected, RunEnd{EndKind::kGuestExit, 1, "status 1"}, 0, backend());
    CHECK(verdict.kind == VerdictKind::kFailed);
    REQUIRE(verdict.run_check);
    CHECK_FALSE(verdict.run_check->passed);
    CHECK(verdict.run_check->detail == "guest exit: status 1, expected status 0");
  }
  SUBCASE("a crash it did not declare is CRASHED") {
    auto verdict = machine::judge(expected, RunEnd{EndKind::kGuestCrash, 0x4E, "unexpected exception #PF (vector 14)"},
                                  0, backend());
    CHECK(verdict.kind == VerdictKind::kCrashed);
    CHECK(verdict.text == "CRASHED (guest crash: unexpected exception #PF (vector 14), expected guest exit)");
    REQUIRE(verdict.run_check);
    CHECK(verdict.run_check->name == "the run ended by guest crash");
  }
}

TEST_CASE("a negative image passes when it ends exactly as declared") {
  SUBCASE("a triple fault") {
    auto verdict = machine::judge(declares(abi::ExpectedEnd::kTripleFault),
                                  RunEnd{EndKind::kTripleFault, 0, "KVM_EXIT_SHUTDOWN (triple fault)"}, 0, backend());
    CHECK(verdict.kind == VerdictKind::kPassed);
    REQUIRE(verdict.run_check);
    CHECK(verdict.run_check->passed);
  }
  SUBCASE("a crash on the declared vector, not another") {
    auto expected = declares(abi::ExpectedEnd::kCrash, 13);
    CHECK(machine::judge(expected, RunEnd{EndKind::kGuestCrash, 0x4D, ""}, 0, backend()).kind == VerdictKind::kPassed);
    CHECK(machine::judge(expected, RunEnd{EndKind::kGuestCrash, 0x4E, ""}, 0, backend()).kind ==
          VerdictKind::kCrashed);
  }
  SUBCASE("a timeout when a triple fault was declared") {
    auto verdict = machine::judge(declares(abi::ExpectedEnd::kTripleFault), RunEnd{EndKind::kTimeout, 0, "no end"},
                                  0, backend());
    CHECK(verdict.kind == VerdictKind::kCrashed);
  }
}

TEST_CASE("a fetch from the MMIO hole ends as the backend reports it") {
  auto expected = declares(abi::ExpectedEnd::kMmioFetch);
  RunEnd internal{EndKind::kInternalError, 0, "KVM_EXIT_INTERNAL_ERROR (emulation failure)"};
  RunEnd injected_ud{EndKind::kGuestCrash, 0x46, "unexpected exception #UD (vector 6)"};
  SUBCASE("with KVM_CAP_EXIT_ON_EMULATION_FAILURE on: an internal error, and #UD is a crash") {
    CHECK(machine::judge(expected, internal, 0, backend(true)).kind == VerdictKind::kPassed);
    CHECK(machine::judge(expected, injected_ud, 0, backend(true)).kind == VerdictKind::kCrashed);
  }
  SUBCASE("without it KVM injects #UD at CPL3, which the runtime reports") {
    CHECK(machine::judge(expected, injected_ud, 0, backend(false)).kind == VerdictKind::kPassed);
    CHECK(machine::judge(expected, RunEnd{EndKind::kGuestCrash, 0x4D, ""}, 0, backend(false)).kind ==
          VerdictKind::kCrashed);
  }
}
