// x86-64 system calls by number, from the kernel's own list (asm/unistd_64.h, turned into
// a table when CMake configures: sandbox/CMakeLists.txt), so that naming one costs no
// library call and no work at start.
#pragma once

namespace slotbox::sandbox {

// 16 -> "ioctl"; nullptr for a number with no name. Async-signal-safe (a scan of a
// constant table): the SIGSYS handler names the refused call with it.
const char* syscall_name(int number);

} // namespace slotbox::sandbox
