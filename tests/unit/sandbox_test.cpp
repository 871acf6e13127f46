// The vCPU threads' seccomp sandbox without KVM: the allowlist as data, and real filters
// loaded in a forked child, which must survive what the policy allows and die with the
// one-line report and exit 3 on what it does not.
#include "host/sandbox/seccomp_filter.h"
#include "host/sandbox/syscall_policy.h"
#include "host/sandbox/violation_report.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

using namespace slotbox::sandbox;

namespace {

constexpr int kVcpuFd = 10, kVmFd = 11, kStatsFd = 12;

VcpuThreadAccess example_access() {
  VcpuThreadAccess access;
  access.vcpu_fd = kVcpuFd;
  access.vm_fd = kVmFd;
  access.stats_fds = {kStatsFd};
  access.output_fds = {1, 2};
  access.process_id = 4242;
  access.kick_signal = SIGUSR1;
  return access;
}

std::vector<SyscallRule> rules_for(const std::vector<SyscallRule>& rules, const std::string& syscall) {
  std::vector<SyscallRule> found;
  std::copy_if(rules.begin(), rules.end(), std::back_inserter(found), [&](const SyscallRule& r) { return r.syscall == syscall; });
  return found;
}

std::optional<uint64_t> equal_value(const SyscallRule& rule, unsigned index) {
  for (const ArgumentTest& test : rule.arguments)
    if (test.index == index && test.kind == ArgumentTest::Kind::kEquals32) return test.value;
  return std::nullopt;
}

bool allows_ioctl(const std::vector<SyscallRule>& rules, int fd, unsigned long request) {
  auto ioctls = rules_for(rules, "ioctl");
  return std::any_of(ioctls.begin(), ioctls.end(), [&](const SyscallRule& r) {
    return equal_value(r, 0) == static_cast<uint64_t>(fd) && equal_value(r, 1) == request;
  });
}

struct ChildEnd {
  int exit_code = -1;   // -1: killed by a signal
  std::string stderr_text;
};

// Runs `body` in a forked child whose stderr is a pipe; the child sets `cleanup` (if any)
// for violations, confines itself to `rules` (as "test thread") and exits 0 if body returns.
ChildEnd run_confined(const std::vector<SyscallRule>& rules, const std::function<void()>& body,
                      void (*cleanup)() = nullptr) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    if (cleanup) set_violation_cleanup(cleanup);
    if (!confine_this_thread(rules, "test thread")) ::_exit(99);
    body();
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string text;
  char buffer[256];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

std::string refusal(const char* call) {
  return std::string("slotbox: sandbox: test thread made a disallowed system call: ") + call + "\n";
}

} // namespace

TEST_CASE("a vCPU thread's policy allows KVM ioctls on its own fds only") {
  auto rules = vcpu_thread_policy(example_access());
  SUBCASE("its vCPU: run, registers, translate; nothing that sets state") {
    CHECK(allows_ioctl(rules, kVcpuFd, KVM_RUN));
    CHECK(allows_ioctl(rules, kVcpuFd, KVM_GET_REGS));
    CHECK(allows_ioctl(rules, kVcpuFd, KVM_TRANSLATE));
    CHECK_FALSE(allows_ioctl(rules, kVcpuFd, KVM_SET_REGS));
    CHECK_FALSE(allows_ioctl(rules, kVcpuFd, KVM_SET_CPUID2));
    CHECK_FALSE(allows_ioctl(rules, kVmFd, KVM_RUN));
  }
  SUBCASE("its VM: map changes, dirty logs, IRQ lines; never a new vCPU") {
    CHECK(allows_ioctl(rules, kVmFd, KVM_SET_USER_MEMORY_REGION));
    CHECK(allows_ioctl(rules, kVmFd, KVM_GET_DIRTY_LOG));
    CHECK(allows_ioctl(rules, kVmFd, KVM_IRQ_LINE));
    CHECK_FALSE(allows_ioctl(rules, kVmFd, KVM_CREATE_VCPU));
    CHECK_FALSE(allows_ioctl(rules, kVcpuFd, KVM_SET_USER_MEMORY_REGION));
  }
  SUBCASE("every ioctl rule names its fd and request") {
    for (const SyscallRule& rule : rules_for(rules, "ioctl")) {
      CHECK(equal_value(rule, 0).has_value());
      CHECK(equal_value(rule, 1).has_value());
    }
  }
}

TEST_CASE("the filter tests system calls in the policy's order, KVM_RUN's ioctl first") {
  auto rules = vcpu_thread_policy(example_access());
  FILE* code = std::tmpfile();
  REQUIRE(code != nullptr);
  REQUIRE(write_pseudo_code(rules, fileno(code)).has_value());
  std::rewind(code);
  // libseccomp's pseudo code has a line `# filter for syscall "NAME" ...` per system call.
  std::vector<std::string> tested;
  char line[512];
  while (std::fgets(line, sizeof line, code)) {
    std::string text = line;
    size_t at = text.find("# filter for syscall \"");
    if (at == std::string::npos) continue;
    size_t start = at + 22;
    tested.push_back(text.substr(start, text.find('"', start) - start));
  }
  std::fclose(code);
  std::vector<std::string> listed;
  for (const SyscallRule& rule : rules)
    if (std::find(listed.begin(), listed.end(), rule.syscall) == listed.end()) listed.push_back(rule.syscall);
  CHECK(tested == listed);
  REQUIRE_FALSE(tested.empty());
  CHECK(tested.front() == "ioctl");
}

TEST_CASE("a vCPU thread's policy: output to stdout and stderr, no files, memory never executable") {
  auto rules = vcpu_thread_policy(example_access());
  auto writes = rules_for(rules, "write");
  REQUIRE(writes.size() == 2);
  CHECK(equal_value(writes[0], 0) == 1u);
  CHECK(equal_value(writes[1], 0) == 2u);
  for (const char* call : {"open", "openat", "read", "socket", "connect", "execve", "clone", "clone3", "fork", "ptrace",
                           "rt_sigaction", "sigaltstack", "kill", "prctl", "seccomp", "process_vm_writev"})
    CHECK_MESSAGE(rules_for(rules, call).empty(), call);
  for (const char* call : {"mmap", "mprotect"}) {
    auto rule = rules_for(rules, call);
    REQUIRE(rule.size() == 1);
    REQUIRE(rule[0].arguments.size() == 1);
    CHECK(rule[0].arguments[0].kind == ArgumentTest::Kind::kNoBitsOf);
    CHECK(rule[0].arguments[0].value == PROT_EXEC);
  }
  auto pread = rules_for(rules, "pread64");
  REQUIRE(pread.size() == 1);
  CHECK(equal_value(pread[0], 0) == static_cast<uint64_t>(kStatsFd));
  auto tgkill = rules_for(rules, "tgkill");
  REQUIRE(tgkill.size() == 1);
  CHECK(equal_value(tgkill[0], 0) == 4242u);
  CHECK(equal_value(tgkill[0], 2) == static_cast<uint64_t>(SIGUSR1));
  CHECK(rules_for(rules, "sendto").empty());
  auto with_gdb = example_access();
  with_gdb.debugger = true;
  CHECK(rules_for(vcpu_thread_policy(with_gdb), "sendto").size() == 1);
  for (const SyscallRule& rule : rules) CHECK_MESSAGE(!rule.why.empty(), rule.syscall);
}

TEST_CASE("a loaded filter lets allowed calls through and ends the process on any other, naming it" *
          doctest::skip(slotbox::sandbox::kSanitizerBuild)) {
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  REQUIRE(null_fd >= 0);
  VcpuThreadAccess access = example_access();
  access.vcpu_fd = null_fd;  // stands in for a vCPU: its ioctls fail with ENOTTY, but get through
  access.output_fds = {STDERR_FILENO};
  auto rules = vcpu_thread_policy(access);

  SUBCASE("allowed calls run; opening a file is refused") {
    ChildEnd end = run_confined(rules, [&] {
      (void)!::write(STDERR_FILENO, "allowed\n", 8);
      void* memory = ::mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (memory == MAP_FAILED) ::_exit(10);
      ::munmap(memory, 1 << 20);
      if (::ioctl(null_fd, KVM_RUN, 0) == 0 || errno != ENOTTY) ::_exit(11);
      make_disallowed_call();
    });
    CHECK(end.exit_code == kViolationExitCode);
    CHECK(end.stderr_text == "allowed\n" + refusal("openat (257)"));
  }
  SUBCASE("glibc malloc's one question, whether the kernel overcommits, is answered: no such file") {
    ChildEnd end = run_confined(rules, [&] {
      int fd = ::open("/proc/sys/vm/overcommit_memory", O_RDONLY | O_CLOEXEC);
      if (fd >= 0 || errno != ENOENT) ::_exit(12);
      (void)!::write(STDERR_FILENO, "went on\n", 8);
    });
    CHECK(end.exit_code == 0);
    CHECK(end.stderr_text == "went on\n");
  }
  SUBCASE("any other file, even read-only") {
    ChildEnd end = run_confined(rules, [&] { (void)::open("/proc/sys/vm/overcommit_ratio", O_RDONLY | O_CLOEXEC); });
    CHECK(end.exit_code == kViolationExitCode);
    CHECK(end.stderr_text == refusal("openat (257)"));
  }
  SUBCASE("an ioctl the policy does not list, on an fd it does") {
    ChildEnd end = run_confined(rules, [&] { (void)::ioctl(null_fd, KVM_CREATE_VCPU, 0); });
    CHECK(end.exit_code == kViolationExitCode);
    CHECK(end.stderr_text == refusal("ioctl (16)"));
  }
  SUBCASE("an allowed ioctl on another fd") {
    ChildEnd end = run_confined(rules, [&] { (void)::ioctl(STDERR_FILENO, KVM_RUN, 0); });
    CHECK(end.exit_code == kViolationExitCode);
    CHECK(end.stderr_text == refusal("ioctl (16)"));
  }
  SUBCASE("a write to a file that is not stdout or stderr") {
    ChildEnd end = run_confined(rules, [&] { (void)!::write(null_fd, "x", 1); });
    CHECK(end.exit_code == kViolationExitCode);
    CHECK(end.stderr_text == refusal("write (1)"));
  }
  SUBCASE("executable memory") {
    ChildEnd end = run_confined(rules, [&] {
      (void)::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    });
    CHECK(end.exit_code == kViolationExitCode);
    CHECK(end.stderr_text == refusal("mmap (9)"));
  }
  SUBCASE("a signal to another process") {
    ChildEnd end = run_confined(rules, [&] { (void)::syscall(SYS_tgkill, 1, 1, SIGUSR1); });
    CHECK(end.exit_code == kViolationExitCode);
    CHECK(end.stderr_text == refusal("tgkill (234)"));
  }
  SUBCASE("a clean-up set for violations runs, on a thread of its own, before the process ends") {
    ChildEnd end = run_confined(rules, [] { make_disallowed_call(); },
                                [] { (void)!::write(STDERR_FILENO, "cleaned up\n", 11); });
    CHECK(end.exit_code == kViolationExitCode);
    CHECK(end.stderr_text == refusal("openat (257)") + "cleaned up\n");
  }
  ::close(null_fd);
}
