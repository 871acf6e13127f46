#include "host/cli/stdout_stream.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>

namespace slotbox::cli {
namespace {

std::atomic<int> g_first_errno{0};
// Both only change with stdout's lock held (flockfile: the stream's writes run under it).
bool g_status_shown = false;   // a status line is on the terminal, after the last output
bool g_at_line_start = true;   // the last byte of output was '\n'
bool g_installed = false;      // only write_all() erases a status line before output

constexpr char kEraseLine[] = "\r\033[K";

// Raw bytes to the terminal, for the status line: errors are the next output's to report.
void write_raw(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(STDOUT_FILENO, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void erase_status_line() {
  if (!g_status_shown) return;
  write_raw(kEraseLine, sizeof kEraseLine - 1);
  g_status_shown = false;
}

// fopencookie's write: all of it, or a recorded error. After an error the bytes are
// dropped without trying again (the error is what gets reported), so a dead pipe cannot
// make every later write fail anew.
ssize_t write_all(void*, const char* data, size_t size) {
  if (g_first_errno.load()) return static_cast<ssize_t>(size);
  erase_status_line();
  if (size) g_at_line_start = data[size - 1] == '\n';
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
  g_installed = true;
}

void show_status_line(const std::string& text) {
  flockfile(stdout);
  std::fflush(stdout);
  if (g_installed && g_at_line_start && !g_first_errno.load()) {
    winsize size{};
    size_t width = ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 ? size.ws_col : 80;
    // A line that wrapped could not be erased with \r: one column short of the width.
    std::string line = kEraseLine + text.substr(0, width - 1);
    write_raw(line.data(), line.size());
    g_status_shown = true;
  }
  funlockfile(stdout);
}

void clear_status_line() {
  flockfile(stdout);
  erase_status_line();
  funlockfile(stdout);
}

std::optional<Error> stdout_error() {
  std::fflush(stdout);
  if (int code = g_first_errno.load()) return Error::from_errno("write", "stdout", code);
  return std::nullopt;
}

} // namespace slotbox::cli
