#include "host/sandbox/seccomp_filter.h"

#include "host/sandbox/seccomp_program.h"
#include "host/sandbox/violation_report.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace slotbox::sandbox {

Result<void> confine_this_thread(const std::vector<SyscallRule>& rules, const std::string& label) {
  prepare_violation_report();
  std::vector<sock_filter> program = SLOTBOX_TRY(seccomp_program(rules));
  sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
  name_this_thread(label);
  // Without no_new_privs only a privileged thread may load a filter; it also keeps an
  // execve from gaining privileges, which the filter refuses anyway.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail(Error::from_errno("prctl(PR_SET_NO_NEW_PRIVS)", label));
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) != 0)
    return fail(Error::from_errno("seccomp(SECCOMP_SET_MODE_FILTER)", label));
  return {};
}

void make_disallowed_call() {
  long fd = ::syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) ::close(static_cast<int>(fd));
}

} // namespace slotbox::sandbox
