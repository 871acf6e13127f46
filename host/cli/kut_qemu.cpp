#include "host/cli/kut_qemu.h"

#include "host/base/fd.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <cstring>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace slotbox::cli {
namespace {

constexpr const char* kQemu = "qemu-system-x86_64";
constexpr size_t kKeptOutput = 1 << 20;  // enough for any SUMMARY line near the end

// kvm-unit-tests' x86/run, with the display off and -no-reboot: a triple fault ends QEMU
// (status 0, an abort) instead of rebooting the kernel until the timeout.
std::vector<std::string> qemu_arguments(const QemuSection& section) {
  std::vector<std::string> args{kQemu, "-nodefaults", "-no-reboot", "-enable-kvm", "-device", "pc-testdev",
                                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4", "-display", "none",
                                "-serial", "stdio", "-device", "pci-testdev", "-machine", "accel=kvm",
                                "-kernel", section.kernel, "-smp", std::to_string(section.smp)};
  args.insert(args.end(), section.qemu_params.begin(), section.qemu_params.end());
  std::string append;
  for (const std::string& word : section.append) append += (append.empty() ? "" : " ") + word;
  if (!append.empty()) args.insert(args.end(), {"-append", append});
  return args;
}

[[noreturn]] void exec_qemu(const std::vector<std::string>& args, int output) {
  ::dup2(output, STDOUT_FILENO);
  ::dup2(output, STDERR_FILENO);
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  ::_exit(127);
}

// Reads QEMU's output until it closes it or the deadline passes; false on the deadline.
bool drain(int fd, std::chrono::steady_clock::time_point deadline, std::string& output) {
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd ready{fd, POLLIN, 0};
    int n = ::poll(&ready, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0;  // a poll error ends the wait as if QEMU had closed
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return true;
    output.append(buffer, static_cast<size_t>(got));
    if (output.size() > kKeptOutput) output.erase(0, output.size() - kKeptOutput);
  }
}

// The rest of the last line that starts with `prefix`, or nothing.
std::string line_after(const std::string& output, const std::string& prefix) {
  size_t at = output.rfind(prefix);
  if (at == std::string::npos) return {};
  at += prefix.size();
  size_t end = output.find_first_of("\r\n", at);
  return output.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// kvm-unit-tests' runner: 1 is the kernel's exit code 0, 3 its 1, 77 its 38 (skip).
QemuVerdict verdict_of(int status) {
  switch (status) {
  case 1: return QemuVerdict::kPass;
  case 3: return QemuVerdict::kFail;
  case 77: return QemuVerdict::kSkip;
  default: return QemuVerdict::kAbort;
  }
}

} // namespace

const char* qemu_verdict_name(QemuVerdict verdict) {
  switch (verdict) {
  case QemuVerdict::kPass: return "PASS";
  case QemuVerdict::kFail: return "FAIL";
  case QemuVerdict::kSkip: return "SKIP";
  case QemuVerdict::kAbort: return "ABORT";
  case QemuVerdict::kTimeout: return "TIMEOUT";
  case QemuVerdict::kNotStarted: return "NOT STARTED";
  }
  return "ABORT";
}

Result<QemuRun> run_under_qemu(const QemuSection& section) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return fail(Error::from_errno("pipe2", kQemu));
  Fd reading(ends[0]), writing(ends[1]);
  auto args = qemu_arguments(section);
  auto start = std::chrono::steady_clock::now();
  pid_t child = ::fork();
  if (child < 0) return fail(Error::from_errno("fork", kQemu));
  if (child == 0) exec_qemu(args, writing.get());
  writing = Fd();
  std::string output;
  bool finished = drain(reading.get(), start + section.timeout, output);
  if (!finished) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  QemuRun run;
  run.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  run.summary = line_after(output, "SUMMARY: ");
  std::string qemu_error = line_after(output, std::string(kQemu) + ": ");
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (WIFEXITED(status) && run.status == 127 && output.empty())
    return fail(Error::unavailable(kQemu, "not found in PATH (apt-get install qemu-system-x86)"));
  run.verdict = finished ? verdict_of(run.status) : QemuVerdict::kTimeout;
  if (run.summary.empty() && !qemu_error.empty() && !qemu_error.starts_with("warning:")) {
    run.verdict = QemuVerdict::kNotStarted;
    run.summary = qemu_error;
  }
  return run;
}

} // namespace slotbox::cli
