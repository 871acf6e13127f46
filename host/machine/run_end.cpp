#include "host/machine/run_end.h"

namespace slotbox::machine {

const char* end_kind_name(EndKind kind) {
  switch (kind) {
  case EndKind::kGuestExit: return "guest exit";
  case EndKind::kTimeout: return "timeout";
  case EndKind::kTripleFault: return "triple fault";
  case EndKind::kInternalError: return "internal error";
  case EndKind::kFailEntry: return "failed entry";
  case EndKind::kHalt: return "halt";
  case EndKind::kUnexpectedExit: return "unexpected exit";
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
  }
  return EndKind::kGuestExit;
}

} // namespace slotbox::machine
