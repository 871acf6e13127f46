// A child process read as it writes: its stdout (and stderr, if asked) goes through a pipe
// to a callback until the child closes it or a deadline passes. On the deadline or a read
// error the child is killed, since unread it would block on a full pipe and never end;
// either way it is reaped before the call returns. For the QEMUs that `slotbox kut` and
// `slotbox bench` run beside slotbox.
#pragma once

#include "host/base/error.h"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace slotbox::process {

struct PipedChildOptions {
  bool search_path = false;   // argv[0] looked up in PATH, else taken as a path
  bool merge_stderr = false;  // stderr into the same pipe, else to /dev/null
};

struct PipedChildEnd {
  bool timed_out = false;  // killed at the deadline
  int status = 0;          // as waitpid gave it
};

using OutputSink = std::function<void(std::string_view)>;

// stdin is /dev/null. Fails when the child cannot start (posix_spawn's errno in `code`:
// ENOENT when argv[0] does not exist) or its output cannot be read (it is killed then).
Result<PipedChildEnd> run_piped_child(const std::vector<std::string>& argv,
                                      std::chrono::steady_clock::time_point deadline, const OutputSink& output,
                                      PipedChildOptions options = {});

} // namespace slotbox::process
