// How one run of a guest ended, as the host saw it.
#pragma once

#include "slotbox/abi.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace slotbox::machine {

enum class EndKind {
  kGuestExit,      // wrote a status to the exit port
  kTimeout,        // the watchdog stopped it
  kTripleFault,    // KVM_EXIT_SHUTDOWN
  kInternalError,  // KVM_EXIT_INTERNAL_ERROR
  kFailEntry,      // KVM_EXIT_FAIL_ENTRY
  kHalt,           // HLT with no interrupt that could ever wake it
  kUnexpectedExit, // an exit reason slotbox does not handle
};

struct RunEnd {
  EndKind kind;
  uint32_t status = 0;   // for kGuestExit
  std::string detail;    // "KVM_EXIT_SHUTDOWN (triple fault) at rip 0xfff0"
  std::chrono::microseconds elapsed{0};
  uint64_t exits = 0;
};

const char* end_kind_name(EndKind kind);
// The end an image header declares, as an EndKind (kMmioFetch maps to kInternalError:
// KVM cannot emulate an instruction it cannot fetch).
EndKind end_kind_of(abi::ExpectedEnd expected);

} // namespace slotbox::machine
