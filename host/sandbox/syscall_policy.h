// What a vCPU thread may ask of the kernel once its VM is set up: the seccomp allowlist as
// plain data (a system call by name, and tests on its arguments), built from the fds the
// thread works on. seccomp_filter.h compiles it, testing the system calls in the order
// they are listed (the hottest, KVM_RUN's ioctl, first); anything not listed is refused.
//
// A vCPU thread runs the code a guest drives (every exit is handled on it: devices, host
// assist, map changes), so it is the thread a hostile guest would try to take over. What
// it does after set-up is small and known (measured with strace -f on the nested NPT
// backend: images with --smp 2, map changes, dirty logs, crashes, --jobs, --trace,
// --stats, kvm-unit-tests kernels):
// KVM_RUN and a few KVM ioctls on its own vCPU and its VM, reading KVM statistics,
// console and trace bytes to stdout/stderr, locks, memory for malloc, the kick signal to
// the other vCPUs, and its own exit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace slotbox::sandbox {

// One test on one argument (all of a rule's tests must hold).
struct ArgumentTest {
  enum class Kind {
    kEquals32,   // the argument's low 32 bits equal `value` (fds, ioctl requests, signals:
                 // C ints and unsigned ints, whatever the caller left in the upper half)
    kNoBitsOf,   // the argument has none of the bits of `value` set (PROT_EXEC)
  };
  unsigned index;  // 0 ... 5
  Kind kind;
  uint64_t value;
};

struct SyscallRule {
  std::string syscall;                 // by its name on x86-64: "ioctl", "write"
  std::vector<ArgumentTest> arguments; // empty: any arguments
  std::string why;                     // for the README's list and for whoever reads a refusal
};

// What one vCPU thread works on.
struct VcpuThreadAccess {
  int vcpu_fd = -1;              // its own vCPU (KVM_RUN, registers, KVM_TRANSLATE)
  int vm_fd = -1;                // its VM (map changes, dirty logs, IRQ lines)
  std::vector<int> stats_fds;    // KVM binary statistics (host assist's kStat)
  std::vector<int> output_fds;   // console and --trace output: stdout, stderr
  int process_id = 0;            // tgkill only within this process
  int kick_signal = 0;           // the only signal it sends (to the other vCPUs)
  bool debugger = false;         // --gdb: the stop reply is sent from the stopping vCPU's thread
};

std::vector<SyscallRule> vcpu_thread_policy(const VcpuThreadAccess& access);

} // namespace slotbox::sandbox
