// Standard output that loses nothing silently. glibc's stdout gives up on a write that a
// signal interrupts (EINTR: the run controller's vCPU kicks, SIGINT) and drops the bytes;
// this one retries it. A write that really fails (`> /dev/full`, a closed pipe) is kept
// as the first error and reported at the end: exit 3, never exit 0 with output missing.
#pragma once

#include "host/base/error.h"

#include <optional>

namespace slotbox::cli {

// Replaces `stdout` with the retrying stream (glibc lets `stdout` be assigned). Ignores
// SIGPIPE, so a closed pipe is a write error (EPIPE) like any other. Call once, first.
void install_checked_stdout();

// Flushes stdout; the first write error since install_checked_stdout(), if any.
std::optional<Error> stdout_error();

} // namespace slotbox::cli
