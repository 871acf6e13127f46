// Compiles a policy (syscall_policy.h) with libseccomp and loads it on the calling thread
// only: seccomp filters are per thread unless synchronised (TSYNC, not used), so the
// threads that set VMs up, wait for their end, write reports and serve gdb keep what they
// had. Once loaded a filter cannot be removed; it ends with the thread. A call the policy
// does not allow, or one through another ABI (int 0x80), raises SIGSYS (violation_report.h).
#pragma once

#include "host/base/error.h"
#include "host/sandbox/syscall_policy.h"

#include <string>
#include <vector>

namespace slotbox::sandbox {

// A sanitizer's runtime (scripts/sanitize's ASan + UBSan build) makes system calls of its
// own on every thread (sigaltstack, and open and write for its reports), which no vCPU
// policy can list: in such a build the vCPU threads run unfiltered, as with --no-sandbox.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif

// label: who the thread is in a violation report ("vCPU 0").
Result<void> confine_this_thread(const std::vector<SyscallRule>& rules, const std::string& label);

// libseccomp's pseudo filter code for `rules`, written to `fd`: the filter as it would be
// loaded, readable (for the test of the order its system calls are tested in).
Result<void> write_pseudo_code(const std::vector<SyscallRule>& rules, int fd);

// For the test that proves a filter refuses what it does not list (the hidden
// SLOTBOX_TEST_SANDBOX_VIOLATION): opens "/" for reading, which no policy allows, and
// closes it again where no filter stopped it.
void make_disallowed_call();

} // namespace slotbox::sandbox
