// QEMU running the same ROM as slotbox: the machine (-M pc or -M microvm), the ROM as its
// BIOS, isa-debug-exit at 0xF4 (QEMU then exits with status * 2 + 1), nothing else.
#pragma once

#include "host/bench/bench_context.h"

#include <string>
#include <vector>

namespace slotbox::bench {

// QEMU's exit code when the guest writes 0 to isa-debug-exit.
inline constexpr int kQemuGuestPassed = 1;

std::vector<std::string> qemu_command(const BenchContext& context, const std::string& machine,
                                      const std::string& rom_path, const std::string& ram = "4G");
// The same for `qemu` on `accelerator` ("kvm" or "tcg"), whatever the context's.
std::vector<std::string> qemu_command_line(const std::string& qemu, const std::string& accelerator,
                                           const std::string& machine, const std::string& rom_path,
                                           const std::string& ram);
std::string qemu_accelerator(const BenchContext& context);  // "kvm" or "tcg"

} // namespace slotbox::bench
