#include "host/bench/process_trial.h"

#include "host/base/fd.h"
#include "host/process/exec_arguments.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>

extern char** environ;

namespace slotbox::bench {
namespace {

// All a child wrote into a memfd.
std::string written(int fd) {
  std::string text;
  char buffer[4096];
  ::lseek(fd, 0, SEEK_SET);
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  return text;
}

// Keeps the last line a child wrote on stderr (it may print a warning, or why it failed).
std::string last_line(int fd) {
  std::string text = written(fd);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  size_t newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

// A child inherits its parent's personality: ASLR off for the children spawned while one
// of these lives (the bench spawns from one thread, one child at a time).
class FixedLayoutForChildren {
public:
  explicit FixedLayoutForChildren(bool wanted) : m_previous(wanted ? ::personality(0xffffffff) : -1) {
    if (m_previous >= 0) m_changed = ::personality(m_previous | ADDR_NO_RANDOMIZE) >= 0;
  }
  ~FixedLayoutForChildren() {
    if (m_changed) ::personality(m_previous);
  }
  FixedLayoutForChildren(const FixedLayoutForChildren&) = delete;
  FixedLayoutForChildren& operator=(const FixedLayoutForChildren&) = delete;

private:
  int m_previous;
  bool m_changed = false;
};

} // namespace

Result<ProcessTrial> run_process(const std::vector<std::string>& argv, SpawnOptions options) {
  std::vector<char*> args = process::exec_arguments(argv);
  Fd stderr_memory(::memfd_create("bench stderr", MFD_CLOEXEC));
  if (!stderr_memory.valid()) return fail(Error::from_errno("memfd_create", "stderr of " + argv[0]));
  Fd stdout_memory(options.keep_output ? ::memfd_create("bench stdout", MFD_CLOEXEC) : -1);
  if (options.keep_output && !stdout_memory.valid()) return fail(Error::from_errno("memfd_create", "stdout of " + argv[0]));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (options.keep_output)
    posix_spawn_file_actions_adddup2(&actions, stdout_memory.get(), 1);
  else
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, stderr_memory.get(), 2);

  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int error;
  {
    FixedLayoutForChildren layout(options.fixed_layout);
    error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  }
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return fail(Error::from_errno("posix_spawn", argv[0], error));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return fail(Error::from_errno("waitpid", argv[0]));
  }
  auto end = std::chrono::steady_clock::now();
  ProcessTrial trial;
  trial.wall_ms = std::chrono::duration<double, std::milli>(end - start).count();
  trial.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  trial.stderr_tail = last_line(stderr_memory.get());
  if (options.keep_output) trial.output = written(stdout_memory.get());
  return trial;
}

std::string executable_directory() {
  char path[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  std::string text(path, static_cast<size_t>(n));
  size_t slash = text.rfind('/');
  return slash == std::string::npos ? "." : text.substr(0, slash);
}

} // namespace slotbox::bench
