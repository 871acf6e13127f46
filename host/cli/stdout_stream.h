// Standard output that loses nothing silently. glibc's stdout gives up on a write that a
// signal interrupts (EINTR: the run controller's vCPU kicks, SIGINT) and drops the bytes;
// this one retries it. A write that really fails (`> /dev/full`, a closed pipe) is kept
// as the first error and reported at the end: exit 3, never exit 0 with output missing.
#pragma once

#include "host/base/error.h"

#include <optional>
#include <string>

namespace slotbox::cli {

// Replaces `stdout` with the retrying stream (glibc lets `stdout` be assigned). Ignores
// SIGPIPE, so a closed pipe is a write error (EPIPE) like any other. Call once, first.
void install_checked_stdout();

// Flushes stdout; the first write error since install_checked_stdout(), if any.
std::optional<Error> stdout_error();

// A status line under the output on a terminal (the progress line, progress.h): drawn
// now if the output so far ends with a whole line, cut to the terminal's width, and
// erased before the next byte of output, so that it is never part of what was printed.
void show_status_line(const std::string& text);
// Erases the status line, if one is shown.
void clear_status_line();

} // namespace slotbox::cli
