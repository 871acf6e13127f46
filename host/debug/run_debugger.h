// What the run controller asks of a debugger (the gdb stub, gdb_server.h): whether vCPU 0
// stops before its first instruction, whether someone asked the running guest to stop
// (Ctrl-C), and to take over while every vCPU is out of KVM_RUN. The controller calls
// stopped() on the thread of the vCPU that stopped, with the others parked, and keeps
// the run's deadline from counting while it lasts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace slotbox::debug {

enum class StopReason { kReset, kBreakpoint, kStep, kInterrupt };

class RunDebugger {
public:
  virtual ~RunDebugger() = default;
  virtual bool stops_at_reset() const = 0;
  // How the debugger makes vCPU 0 leave KVM_RUN to stop: the controller's kick.
  virtual void set_interrupter(std::function<void()> interrupt) = 0;
  // True once after the debugger asked for a stop (the kicked vCPU then calls stopped()).
  virtual bool take_stop_request() = 0;
  // Returns when the debugger lets the guest go on (continue, step, detach). dr6: which
  // debug-register breakpoint fired (bits 0-3), from the debug exit; 0 otherwise.
  virtual void stopped(size_t vcpu, StopReason reason, uint64_t dr6) = 0;
  // The run is over: the guest's exit status, or nothing for any other end.
  virtual void run_ended(std::optional<uint32_t> exit_status) = 0;
};

} // namespace slotbox::debug
