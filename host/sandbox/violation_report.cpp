#include "host/sandbox/violation_report.h"

#include "host/sandbox/syscall_names.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

namespace slotbox::sandbox {
namespace {

constexpr size_t kNameLength = 32;

thread_local char t_label[kNameLength] = "a thread";

// The cleanup thread's wake-up: 0 until a violation, then 1 (a futex word: the handler
// may use nothing but system calls).
std::atomic<uint32_t> g_violation{0};
std::atomic<void (*)()> g_cleanup{nullptr};
constexpr timespec kCleanupWait{2, 0};

long futex(std::atomic<uint32_t>& word, int operation, uint32_t value, const timespec* timeout) {
  return ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), operation, value, timeout, nullptr, 0);
}

[[noreturn]] void clean_up_after_violation() {
  while (g_violation.load() == 0) futex(g_violation, FUTEX_WAIT_PRIVATE, 0, nullptr);
  if (auto cleanup = g_cleanup.load()) cleanup();
  ::_exit(kViolationExitCode);
}

// A line built without malloc or stdio: the handler runs in the middle of anything.
class Line {
public:
  void add(const char* text) {
    while (*text && m_size < sizeof m_text) m_text[m_size++] = *text++;
  }
  void add_number(unsigned long value) {
    char digits[24];
    size_t count = 0;
    do digits[count++] = static_cast<char>('0' + value % 10); while ((value /= 10) && count < sizeof digits);
    while (count && m_size < sizeof m_text) m_text[m_size++] = digits[--count];
  }
  void write_to(int fd) const {
    size_t done = 0;
    while (done < m_size) {
      ssize_t n = ::write(fd, m_text + done, m_size - done);
      if (n <= 0) return;  // EINTR cannot happen here: SIGSYS is the signal being handled
      done += static_cast<size_t>(n);
    }
  }

private:
  char m_text[192];
  size_t m_size = 0;
};

// glibc's malloc asks the kernel once per process whether it overcommits, by opening
// /proc/sys/vm/overcommit_memory the first time it shrinks a thread's arena
// (malloc/arena.c, check_may_shrink_heap): on a vCPU thread freeing a large block (a dirty
// bitmap) that is under the filter. That one open is answered here as if the file were
// absent (ENOENT), without opening anything; malloc then gives memory back with madvise,
// which the filter allows. Only a read-only open relative to the working directory is
// looked at, so a stray call with a wild pointer is still reported, not dereferenced.
constexpr char kOvercommitPath[] = "/proc/sys/vm/overcommit_memory";

bool is_malloc_overcommit_probe(const siginfo_t* info, const ucontext_t* context) {
  if (info->si_arch != AUDIT_ARCH_X86_64 || info->si_syscall != SYS_openat) return false;
  const greg_t* regs = context->uc_mcontext.gregs;  // syscall arguments: rdi, rsi, rdx
  if (static_cast<int>(regs[REG_RDI]) != AT_FDCWD || (regs[REG_RDX] & O_ACCMODE) != O_RDONLY) return false;
  const char* path = reinterpret_cast<const char*>(regs[REG_RSI]);
  if (!path) return false;
  for (size_t i = 0; i < sizeof kOvercommitPath; ++i)
    if (path[i] != kOvercommitPath[i]) return false;
  return true;
}

void on_sigsys(int, siginfo_t* info, void* context_pointer) {
  auto* context = static_cast<ucontext_t*>(context_pointer);
  if (is_malloc_overcommit_probe(info, context)) {
    context->uc_mcontext.gregs[REG_RAX] = -ENOENT;  // the call's result, as the thread sees it
    return;
  }
  Line line;
  line.add("slotbox: sandbox: ");
  line.add(t_label);
  line.add(" made a disallowed system call: ");
  int number = info->si_syscall;
  if (info->si_arch != AUDIT_ARCH_X86_64) {
    line.add("number ");
    line.add_number(static_cast<unsigned>(number));
    line.add(" of another ABI (not x86-64)");
  } else if (const char* name = syscall_name(number)) {
    line.add(name);
    line.add(" (");
    line.add_number(static_cast<unsigned>(number));
    line.add(")");
  } else {
    line.add("number ");
    line.add_number(static_cast<unsigned>(number));
  }
  line.add("\n");
  line.write_to(STDERR_FILENO);
  if (g_cleanup.load()) {
    g_violation.store(1);
    futex(g_violation, FUTEX_WAKE_PRIVATE, 1, nullptr);
    std::atomic<uint32_t> never{0};
    futex(never, FUTEX_WAIT_PRIVATE, 0, &kCleanupWait);  // the cleanup thread exits first
  }
  ::_exit(kViolationExitCode);
}

} // namespace

void prepare_violation_report() {
  static std::once_flag prepared;
  std::call_once(prepared, [] {
    struct sigaction action{};
    action.sa_sigaction = on_sigsys;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSYS, &action, nullptr);
  });
}

void set_violation_cleanup(void (*cleanup)()) {
  // Once per process: a forked child (the tests') has none of its parent's threads.
  static std::atomic<pid_t> started_in{0};
  pid_t self = ::getpid();
  if (started_in.exchange(self) != self) std::thread(clean_up_after_violation).detach();
  g_cleanup.store(cleanup);
}

void name_this_thread(std::string_view label) {
  size_t size = std::min(label.size(), kNameLength - 1);
  std::memcpy(t_label, label.data(), size);
  t_label[size] = '\0';
}

} // namespace slotbox::sandbox
