#include "host/process/piped_child.h"

#include "host/base/fd.h"
#include "host/process/exec_arguments.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace slotbox::process {
namespace {

enum class ReadEnd { kEndOfFile, kDeadline, kError };

// Hands everything `fd` delivers to `output` until end of file, the deadline or an error
// (errno says which).
ReadEnd read_until_closed(int fd, std::chrono::steady_clock::time_point deadline, const OutputSink& output) {
  char buffer[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ReadEnd::kDeadline;
    pollfd readable{fd, POLLIN, 0};
    int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ReadEnd::kError;
    if (ready == 0) return ReadEnd::kDeadline;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ReadEnd::kError;
    if (n == 0) return ReadEnd::kEndOfFile;
    output(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

} // namespace

Result<PipedChildEnd> run_piped_child(const std::vector<std::string>& argv,
                                      std::chrono::steady_clock::time_point deadline, const OutputSink& output,
                                      PipedChildOptions options) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return fail(Error::from_errno("pipe2", argv[0]));
  Fd read_end(ends[0]), write_end(ends[1]);
  std::vector<char*> args = exec_arguments(argv);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  if (options.merge_stderr) posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  else posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  auto spawn = options.search_path ? ::posix_spawnp : ::posix_spawn;
  int error = spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return fail(Error::from_errno(options.search_path ? "posix_spawnp" : "posix_spawn", argv[0], error));
  write_end = Fd();  // end of file once the child has exited

  ReadEnd end = read_until_closed(read_end.get(), deadline, output);
  int read_errno = errno;
  if (end != ReadEnd::kEndOfFile) ::kill(pid, SIGKILL);
  int status = reap(pid);
  if (end == ReadEnd::kError) return fail(Error::from_errno("read", argv[0] + "'s output", read_errno));
  return PipedChildEnd{end == ReadEnd::kDeadline, status};
}

} // namespace slotbox::process
