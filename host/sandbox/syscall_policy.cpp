#include "host/sandbox/syscall_policy.h"

#include "host/kvm/ioctl.h"

#include <linux/kvm.h>
#include <sys/mman.h>

#include <span>

namespace slotbox::sandbox {
namespace {

ArgumentTest equals(unsigned index, uint64_t value) { return {index, ArgumentTest::Kind::kEquals32, value}; }

// The KVM ioctls a vCPU thread makes, by the fd they go to. Everything else KVM offers
// (creating VMs and vCPUs, setting registers, CPUID, irqchip state, enabling caps) is
// set-up, done before the filter, on another thread.
struct Ioctl {
  unsigned long request;
  const char* name;
  const char* why;
};

constexpr Ioctl kVcpuIoctls[] = {
    {KVM_RUN, "KVM_RUN", "run the guest"},
    {KVM_GET_REGS, "KVM_GET_REGS", "registers for host assist, a crash report, a debug stop"},
    {KVM_GET_SREGS, "KVM_GET_SREGS", "paging mode and CR3 for a crash report's stack walk"},
    {KVM_TRANSLATE, "KVM_TRANSLATE", "host assist's translate request"},
};

constexpr Ioctl kVmIoctls[] = {
    {KVM_SET_USER_MEMORY_REGION, "KVM_SET_USER_MEMORY_REGION", "host-assist map changes and dirty logging"},
    {KVM_GET_DIRTY_LOG, "KVM_GET_DIRTY_LOG", "host assist's dirty bitmaps"},
    {KVM_CLEAR_DIRTY_LOG, "KVM_CLEAR_DIRTY_LOG", "host assist's dirty bitmaps (manual protect)"},
    {KVM_IRQ_LINE, "KVM_IRQ_LINE", "pc-testdev's IRQ lines, hyperv-testdev's SINTs (kvm-unit-tests)"},
    {kvm::kSetGsiRouting, "KVM_SET_GSI_ROUTING", "hyperv-testdev's SynIC routes (kvm-unit-tests hyperv_*)"},
};

void add_ioctls(std::vector<SyscallRule>& rules, int fd, std::span<const Ioctl> ioctls, const char* owner) {
  for (const Ioctl& ioctl : ioctls)
    rules.push_back({"ioctl", {equals(0, static_cast<uint64_t>(fd)), equals(1, ioctl.request)},
                     std::string(ioctl.name) + " on " + owner + ": " + ioctl.why});
}

} // namespace

std::vector<SyscallRule> vcpu_thread_policy(const VcpuThreadAccess& access) {
  std::vector<SyscallRule> rules;
  add_ioctls(rules, access.vcpu_fd, kVcpuIoctls, "its vCPU");
  add_ioctls(rules, access.vm_fd, kVmIoctls, "its VM");
  for (int fd : access.stats_fds)
    rules.push_back({"pread64", {equals(0, static_cast<uint64_t>(fd))}, "KVM statistics (host assist's stat request)"});
  for (int fd : access.output_fds)
    rules.push_back({"write", {equals(0, static_cast<uint64_t>(fd))}, "console and --trace output; the sandbox's own report"});
  if (access.debugger) rules.push_back({"sendto", {}, "--gdb: the stop reply, sent by the vCPU that stopped"});

  // Locks and signals. Nothing on a vCPU thread reads the clock (the deadline is the
  // caller's thread's), and the vDSO answers clock_gettime without a system call anyway.
  rules.push_back({"futex", {}, "the machine lock and the run's condition variables"});
  rules.push_back({"tgkill", {equals(0, static_cast<uint64_t>(access.process_id)), equals(2, static_cast<uint64_t>(access.kick_signal))},
                   "kick the other vCPUs out of KVM_RUN for a map change (own process, kick signal only)"});
  rules.push_back({"getpid", {}, "pthread_kill names the process"});
  rules.push_back({"rt_sigprocmask", {}, "pthread_kill blocks signals around tgkill; the thread's end blocks them all"});
  rules.push_back({"rt_sigreturn", {}, "return from the kick signal's handler"});

  // Memory for malloc, never executable.
  const ArgumentTest not_executable{2, ArgumentTest::Kind::kNoBitsOf, PROT_EXEC};
  rules.push_back({"mmap", {not_executable}, "malloc's arenas and large blocks, never executable"});
  rules.push_back({"mprotect", {not_executable}, "malloc grows a thread's arena, never executable"});
  rules.push_back({"munmap", {}, "free"});
  rules.push_back({"mremap", {}, "realloc of large blocks (a buffered console)"});
  rules.push_back({"madvise", {}, "free returns memory; the thread's stack at its end"});
  rules.push_back({"brk", {}, "malloc's main arena, which a thread may be given once arenas are reused"});

  rules.push_back({"exit", {}, "the thread's end"});
  rules.push_back({"exit_group", {}, "the sandbox's own report ends the process"});
  return rules;
}

} // namespace slotbox::sandbox
