// What the host could read from a guest that ended unexpectedly (a crash report, a triple
// fault, a timeout, an emulation failure): its registers and the return addresses of a
// frame-pointer walk. Captured on the vCPU's thread as the run ends (machine/crash_capture),
// symbolized later (crash_report.h).
#pragma once

#include "host/debug/guest_registers.h"

#include <cstdint>
#include <string>
#include <vector>

namespace slotbox::debug {

struct CrashState {
  std::string source;  // whose registers: "the runtime's trap frame for #PF on vCPU 0", ...
  GuestRegisters registers;
  std::vector<uint64_t> frames;  // rip, then the return addresses, innermost first
};

} // namespace slotbox::debug
