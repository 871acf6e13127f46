// The peak RSS of a command's own process image. wait4's ru_maxrss cannot say it: the
// kernel folds the RSS of the mm a process leaves at execve into it, and a child spawned
// from the bench carries the bench's (several MiB). So the child runs under ptrace, stops
// at its exit (PTRACE_EVENT_EXIT, its mm still there) and VmHWM is read from /proc.
#pragma once

#include "host/base/error.h"

#include <string>
#include <vector>

namespace slotbox::bench {

// Fails when the command does not exit with `expected_exit`.
Result<double> peak_rss_mib(const std::vector<std::string>& argv, int expected_exit = 0);

} // namespace slotbox::bench
