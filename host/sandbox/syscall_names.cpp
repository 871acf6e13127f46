#include "host/sandbox/syscall_names.h"

namespace slotbox::sandbox {
namespace {

struct SyscallName {
  const char* name;
  int number;
};

// {"read", 0}, {"write", 1}, ...: every __NR_ line of asm/unistd_64.h.
constexpr SyscallName kSyscalls[] = {
#include "syscall_table.inc"
};

} // namespace

const char* syscall_name(int number) {
  for (const SyscallName& entry : kSyscalls)
    if (entry.number == number) return entry.name;
  return nullptr;
}

} // namespace slotbox::sandbox
