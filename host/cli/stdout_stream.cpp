#include "host/cli/stdout_stream.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>

namespace slotbox::cli {
namespace {

std::atomic<int> g_first_errno{0};

// fopencookie's write: all of it, or a recorded error. After an error the bytes are
// dropped without trying again (the error is what gets reported), so a dead pipe cannot
// make every later write fail anew.
ssize_t write_all(void*, const char* data, size_t size) {
  if (g_first_errno.load()) return static_cast<ssize_t>(size);
  size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(STDOUT_FILENO, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int expected = 0;
      g_first_errno.compare_exchange_strong(expected, errno);
      break;
    }
    written += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(size);
}

} // namespace

void install_checked_stdout() {
  std::signal(SIGPIPE, SIG_IGN);
  cookie_io_functions_t functions{nullptr, write_all, nullptr, nullptr};
  std::FILE* stream = fopencookie(nullptr, "w", functions);
  if (!stream) return;  // keep glibc's stdout: output still works, only less guarded
  // Line-buffered on a terminal as glibc does it; fully buffered into pipes and files.
  std::setvbuf(stream, nullptr, ::isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
  std::fflush(stdout);
  stdout = stream;
}

std::optional<Error> stdout_error() {
  std::fflush(stdout);
  if (int code = g_first_errno.load()) return Error::from_errno("write", "stdout", code);
  return std::nullopt;
}

} // namespace slotbox::cli
