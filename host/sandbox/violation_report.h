// What happens when a sandboxed thread makes a call its filter does not allow: the filter
// answers SECCOMP_RET_TRAP, the kernel raises SIGSYS on that thread, and the handler here
// writes one line on stderr and ends the process:
//
//   slotbox: sandbox: vCPU 0 made a disallowed system call: openat (257)
//
// One call is answered instead: glibc malloc's one-time open of
// /proc/sys/vm/overcommit_memory gets ENOENT (violation_report.cpp says why).
//
// TRAP rather than SECCOMP_RET_KILL_PROCESS: the process itself can say which thread and
// which call, with nothing outside it (a parent, the audit log) to read a core or a
// signal status. The thread cannot undo it: rt_sigaction and sigaltstack are not in any
// filter, so the handler stays ours; a second violation inside the handler (SIGSYS
// blocked there) makes the kernel kill the process outright.
#pragma once

#include <string_view>

namespace slotbox::sandbox {

// The README's exit code for a failure on the host's side (cli/exit_code.h checks that
// it is kExitGuestCrashed): the report says which.
inline constexpr int kViolationExitCode = 3;

// Installs the SIGSYS handler, once per process and before any filter (which refuses
// rt_sigaction). The handler uses only async-signal-safe calls; it names the refused call
// from a constant table (syscall_names.h).
void prepare_violation_report();

// Who the report names for the calling thread ("vCPU 0"); at most 31 characters kept.
void name_this_thread(std::string_view label);

// What must happen before the process ends on a violation (cli: remove the --output
// temporary), which the refused thread cannot do itself: its filter allows no unlink.
// The first call in a process starts a thread of its own, outside any filter, that waits for a
// violation, runs `cleanup` there and exits; the handler wakes it (futex) and waits for
// it, at most kCleanupWait, before exiting by itself. Without a cleanup the handler exits
// at once.
void set_violation_cleanup(void (*cleanup)());

} // namespace slotbox::sandbox
