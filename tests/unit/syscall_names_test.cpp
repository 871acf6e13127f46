// The system call names the sandbox's violation report prints, from the kernel's own list.
#include "host/sandbox/syscall_names.h"

#include <doctest/doctest.h>
#include <sys/syscall.h>

#include <string>

using slotbox::sandbox::syscall_name;

TEST_CASE("system call names are the kernel's") {
  CHECK(std::string(syscall_name(SYS_read)) == "read");
  CHECK(std::string(syscall_name(SYS_ioctl)) == "ioctl");
  CHECK(std::string(syscall_name(SYS_openat)) == "openat");
  CHECK(std::string(syscall_name(SYS_openat2)) == "openat2");
  CHECK(std::string(syscall_name(SYS_exit_group)) == "exit_group");
  CHECK(syscall_name(-1) == nullptr);
  CHECK(syscall_name(100000) == nullptr);
}
