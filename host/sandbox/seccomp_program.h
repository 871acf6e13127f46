// A policy (syscall_policy.h) as the classic BPF program the kernel runs on each system
// call of a filtered thread (Documentation/userspace-api/seccomp_filter.rst): a call
// through any ABI but x86-64's (int 0x80) is trapped; then each rule in order, allowing
// the call when its number and every argument test match; anything else is trapped
// (SECCOMP_RET_TRAP: violation_report.h). Rules keep their order, so the most frequent
// call (KVM_RUN, the policy's first rule) is decided first.
#pragma once

#include "host/base/error.h"
#include "host/sandbox/syscall_policy.h"

#include <linux/filter.h>

#include <vector>

namespace slotbox::sandbox {

// Fails on a system call name x86-64 does not have, or an argument index above 5.
Result<std::vector<sock_filter>> seccomp_program(const std::vector<SyscallRule>& rules);

} // namespace slotbox::sandbox
