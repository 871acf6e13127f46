#include "host/bench/peak_rss.h"

#include "host/process/exec_arguments.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

namespace slotbox::bench {
namespace {

// VmHWM of a live process, in KiB (0 when unreadable).
long vm_hwm_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmHWM:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return 0;
}

[[noreturn]] void exec_traced(const std::vector<std::string>& argv) {
  std::vector<char*> args = process::exec_arguments(argv);
  int null = ::open("/dev/null", O_RDWR);
  ::dup2(null, 0);
  ::dup2(null, 1);
  ::dup2(null, 2);
  ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
  ::execv(args[0], args.data());  // stops with SIGTRAP once the new image is in place
  ::_exit(127);
}

} // namespace

Result<double> peak_rss_mib(const std::vector<std::string>& argv, int expected_exit) {
  pid_t pid = ::fork();
  if (pid < 0) return fail(Error::from_errno("fork", argv[0]));
  if (pid == 0) exec_traced(argv);
  long hwm = 0;
  bool options_set = false;
  int status = 0;
  while (::waitpid(pid, &status, 0) == pid) {
    if (WIFEXITED(status) || WIFSIGNALED(status)) break;
    int signal = WSTOPSIG(status);
    if (!options_set && signal == SIGTRAP) {
      // The exec stop: from here on, stop at exit; kill the child if we go away.
      ::ptrace(PTRACE_SETOPTIONS, pid, nullptr, PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL);
      options_set = true;
      signal = 0;
    } else if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
      hwm = vm_hwm_kib(pid);
      signal = 0;
    }
    ::ptrace(PTRACE_CONT, pid, nullptr, signal);  // other signals are the child's own: pass them on
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  if (code != expected_exit)
    return fail(Error{ErrorKind::kSystem, argv[0], "peak RSS", 0, "exit " + std::to_string(code)});
  if (hwm == 0) return fail(Error{ErrorKind::kSystem, argv[0], "peak RSS", 0, "no VmHWM at its exit"});
  return hwm / 1024.0;
}

} // namespace slotbox::bench
