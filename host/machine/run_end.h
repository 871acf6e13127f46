// How one run of a guest ended, as the host saw it.
#pragma once

#include "host/debug/crash_state.h"
#include "slotbox/abi.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace slotbox::machine {

enum class EndKind {
  kGuestExit,      // wrote a status to the exit port
  kGuestCrash,     // the runtime reported an unexpected exception (status kStatusCrash + vector)
  kTimeout,        // the deadline passed (--timeout or the image's own limit)
  kTripleFault,    // KVM_EXIT_SHUTDOWN
  kInternalError,  // KVM_EXIT_INTERNAL_ERROR
  kFailEntry,      // KVM_EXIT_FAIL_ENTRY
  kHalt,           // HLT with no interrupt that could ever wake it
  kUnexpectedExit, // an exit reason slotbox does not handle
  kInterrupted,    // SIGINT or SIGTERM stopped it (detail: "by SIGINT ...")
};

struct RunEnd {
  EndKind kind;
  uint32_t status = 0;   // for kGuestExit and kGuestCrash: what the guest wrote to the exit port
  std::string detail;    // "KVM_EXIT_SHUTDOWN (triple fault) at rip 0xfff0"
  std::chrono::microseconds elapsed{0};
  uint64_t exits = 0;
  std::optional<debug::CrashState> crash = std::nullopt;  // registers and stack of an unexpected end
};

const char* end_kind_name(EndKind kind);
// The end an image header declares, as an EndKind (kMmioFetch maps to kInternalError:
// KVM cannot emulate an instruction it cannot fetch).
EndKind end_kind_of(abi::ExpectedEnd expected);
// The run that ends with a guest's exit-port status: a crash report or an ordinary exit.
RunEnd guest_exit_end(uint32_t status);

} // namespace slotbox::machine
