#include "host/machine/run_end.h"

namespace slotbox::machine {

const char* end_kind_name(EndKind kind) {
  switch (kind) {
  case EndKind::kGuestExit: return "guest exit";
  case EndKind::kGuestCrash: return "guest crash";
  case EndKind::kTimeout: return "timeout";
  case EndKind::kTripleFault: return "triple fault";
  case EndKind::kInternalError: return "internal error";
  case EndKind::kFailEntry: return "failed entry";
  case EndKind::kHalt: return "halt";
  case EndKind::kUnexpectedExit: return "unexpected exit";
  case EndKind::kInterrupted: return "interrupted";
  }
  return "?";
}

EndKind end_kind_of(abi::ExpectedEnd expected) {
  switch (expected) {
  case abi::ExpectedEnd::kGuestExit: return EndKind::kGuestExit;
  case abi::ExpectedEnd::kTimeout: return EndKind::kTimeout;
  case abi::ExpectedEnd::kTripleFault: return EndKind::kTripleFault;
  case abi::ExpectedEnd::kInternalError: return EndKind::kInternalError;
  case abi::ExpectedEnd::kMmioFetch: return EndKind::kInternalError;
  case abi::ExpectedEnd::kCrash: return EndKind::kGuestCrash;
  }
  return EndKind::kGuestExit;
}

RunEnd guest_exit_end(uint32_t status) {
  if (!abi::is_crash_status(status)) return RunEnd{EndKind::kGuestExit, status, "status " + std::to_string(status)};
  uint32_t vector = status - abi::kStatusCrash;
  return RunEnd{EndKind::kGuestCrash, status,
                "unexpected exception " + std::string(abi::kExceptionNames[vector]) + " (vector " +
                    std::to_string(vector) + ")"};
}

} // namespace slotbox::machine
