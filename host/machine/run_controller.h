// Runs a PcMachine until the guest ends the run: one thread per vCPU, each looping on
// KVM_RUN and handling its own exits (exit_handler.h), and the caller's thread waiting for
// the first end or the deadline, then stopping every vCPU and joining them.
//
// Who owns what, and why it is safe:
// - Each vCPU thread alone calls KVM_RUN and KVM_GET_REGS/KVM_TRANSLATE on its own vCPU.
// - Everything exits touch — devices, exit counters, the address spaces and the flat views
//   that host-assist map changes replace, KVM slot updates — is shared, so every exit is
//   handled under the machine lock (PcMachine::lock(), like QEMU's big lock). KVM_RUN runs
//   without it, so vCPUs run guest code in parallel and serialize only on exits. A machine
//   with one vCPU has nothing to serialize: its exits skip the lock (the caller's thread
//   takes it only to start the vCPU threads, and reads the machine after the join).
// - A map change that deletes and re-adds KVM slots (map_changes.h) first parks every other
//   vCPU outside KVM_RUN: the asking thread kicks them and waits on the machine lock's
//   condition until all are parked, changes the map, and lets them go. A kicked vCPU
//   parks before it handles anything, so nothing it does can see half a change.
// - With the sandbox on, each vCPU thread runs under a seccomp filter from before its first
//   KVM_RUN to its end (sandbox/syscall_policy.h lists what it may do); the caller's thread
//   is not filtered.
// - The run ends once: the first end (a vCPU's, a host error, or the deadline) is kept;
//   the others are dropped. Stopping a vCPU sets kvm_run.immediate_exit (for a KVM_RUN
//   about to start) and sends it a signal (for one in progress, or an AP waiting for SIPI).
#pragma once

#include "host/base/error.h"
#include "host/debug/run_debugger.h"
#include "host/machine/pc_machine.h"
#include "host/machine/run_end.h"

#include <chrono>
#include <cstdio>

namespace slotbox::machine {

// The vCPU threads' seccomp sandbox (host/sandbox): each vCPU thread loads its filter
// before its first KVM_RUN, when the VM is set up and every fd it needs is open.
struct SandboxSettings {
  bool enabled = true;          // --no-sandbox turns it off
  bool test_violation = false;  // test only (SLOTBOX_TEST_SANDBOX_VIOLATION): vCPU 0 then makes a call no filter allows
};

// trace: where to describe every exit as it happens (--trace), or nullptr.
// debugger: a gdb stub (--gdb) or nullptr. While the guest is stopped in it, every vCPU
// is parked and the deadline does not count.
Result<RunEnd> run_until_end(PcMachine& machine, std::chrono::milliseconds limit, std::FILE* trace = nullptr,
                             debug::RunDebugger* debugger = nullptr, SandboxSettings sandbox = {});

// SIGINT or SIGTERM came (cli's interrupt watcher, on its own thread): every run under way,
// and any that starts later, ends at once as EndKind::kInterrupted, its vCPUs stopped and
// joined as for any other end.
void interrupt_runs(int signal);

} // namespace slotbox::machine
