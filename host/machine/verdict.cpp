#include "host/machine/verdict.h"

namespace slotbox::machine {
namespace {

constexpr uint32_t kInvalidOpcode = 6;  // #UD

// Did the run end the way the image declared, on this backend?
bool ended_as_declared(const loader::Expectation& expected, const RunEnd& end, const kvm::Backend& backend) {
  // An instruction fetch from the MMIO hole: where KVM cannot report the emulation
  // failure (kvm_amd without KVM_CAP_EXIT_ON_EMULATION_FAILURE, at CPL3) it injects #UD
  // instead, and the runtime reports that crash.
  if (expected.end == abi::ExpectedEnd::kMmioFetch && !backend.reports_emulation_failure &&
      end.kind == EndKind::kGuestCrash)
    return end.status == abi::kStatusCrash + kInvalidOpcode;
  if (end.kind != end_kind_of(expected.end)) return false;
  if (end.kind == EndKind::kGuestExit) return end.status == expected.status;
  if (end.kind == EndKind::kGuestCrash) return end.status == abi::kStatusCrash + expected.status;
  return true;
}

std::string how_it_ended(const RunEnd& end) { return std::string(end_kind_name(end.kind)) + ": " + end.detail; }

// An end that is neither the declared one nor a guest exit with another status.
Verdict crashed(const RunEnd& end, const std::string& expectation) {
  std::string how = how_it_ended(end);
  return {VerdictKind::kCrashed, "CRASHED (" + how + ", " + expectation + ")",
          RunCheck{false, std::string("the run ended by ") + end_kind_name(end.kind), how + ", " + expectation}};
}

} // namespace

Verdict judge_kernel(const RunEnd& end, uint64_t failed_checks, const std::string& summary) {
  // A kernel writes any byte it likes; the ROM runtime's crash statuses mean nothing here.
  if (end.kind != EndKind::kGuestExit && end.kind != EndKind::kGuestCrash)
    return crashed(end, "expected a kvm-unit-tests exit code");
  uint32_t code = end.status;
  std::string how = "exit code " + std::to_string(code) + ", QEMU status " + std::to_string((code << 1) | 1);
  if (!summary.empty()) how += "; SUMMARY: " + summary;
  switch (code) {
  case kKutExitPass:
    if (failed_checks) return {VerdictKind::kFailed, "FAILED (" + how + ", but a check failed)", std::nullopt};
    return {VerdictKind::kPassed, "passed (" + how + ")", std::nullopt};
  case kKutExitFail: {
    std::optional<RunCheck> check;
    if (failed_checks == 0) check = RunCheck{false, "the kernel's exit code", how};
    return {VerdictKind::kFailed, "FAILED (" + how + ")", check};
  }
  case kKutExitSkip:
    return {VerdictKind::kSkipped, "skipped (" + how + ")", RunCheck{true, "the kernel skipped itself", how, true}};
  default:
    return {VerdictKind::kCrashed, "CRASHED (" + how + ": abort)", RunCheck{false, "the kernel aborted", how}};
  }
}

Verdict judge(const loader::Expectation& expected, const RunEnd& end, uint64_t failed_checks,
              const kvm::Backend& backend) {
  EndKind expected_kind = end_kind_of(expected.end);
  std::string how = how_it_ended(end);
  if (ended_as_declared(expected, end, backend)) {
    if (expected_kind != EndKind::kGuestExit)
      return {VerdictKind::kPassed, "passed (" + how + ", as declared)",
              RunCheck{true, std::string("the run ended as declared: ") + end_kind_name(end.kind), {}}};
    if (failed_checks) return {VerdictKind::kFailed, "FAILED (" + how + ")", std::nullopt};
    return {VerdictKind::kPassed, "passed (" + how + ")", std::nullopt};
  }
  if (end.kind == EndKind::kGuestExit) {
    std::string expectation = "expected status " + std::to_string(expected.status);
    std::optional<RunCheck> check;
    if (failed_checks == 0) check = RunCheck{false, "the guest's exit status", how + ", " + expectation};
    return {VerdictKind::kFailed, "FAILED (" + how + ", " + expectation + ")", check};
  }
  return crashed(end, std::string("expected ") + end_kind_name(expected_kind));
}

} // namespace slotbox::machine
