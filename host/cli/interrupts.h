// SIGINT and SIGTERM during a run (README "Exit codes"): the first stops the VMs under way
// (machine::interrupt_runs), no new image starts, what ran is reported and the exit code is
// 128 + the signal (130, 143); no partial report is written. A second one, for a slotbox
// stuck elsewhere (say, writing to a pipe nobody reads), removes the --output temporary
// and exits at once.
//
// The signals are blocked in every thread and taken by one thread of their own with
// sigwait(), so that stopping the runs happens in ordinary code, not in a signal handler.
#pragma once

#include <string>

namespace slotbox::cli {

// Before any other thread starts (they inherit the blocked signals). Idempotent.
void watch_interrupts();
// 0, or the first SIGINT/SIGTERM that came.
int interrupt_signal();
// "SIGINT"
std::string signal_name(int signal);
// The file to remove if a second signal, or a sandbox refusal, ends slotbox at once; empty
// for none.
void set_interrupt_cleanup(const std::string& path);

} // namespace slotbox::cli
