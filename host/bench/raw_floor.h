// The floor the benchmarks compare slotbox with: only the KVM calls a ROM needs, with
// none of slotbox's machinery — create a VM, one read-only slot for the ROM ending at
// 4 GiB (and one RAM slot when asked), one vCPU, KVM_RUN until the guest writes to port
// 0xF4, close. Raw ioctls on purpose: it is what a 60-line C program would do.
// With `pc`, the same program also creates the KVM objects a PC has — the in-kernel
// irqchip and PIT, its RAM split around the hole below 4 GiB, and a vCPU with the CPUID
// KVM supports — so a benchmark can tell what KVM costs for such a machine from what
// slotbox's own code costs.
#pragma once

#include "host/base/error.h"

#include <chrono>
#include <cstdint>
#include <span>

namespace slotbox::bench {

struct FloorOptions {
  uint64_t ram_size = 0;     // RAM slot at gpa 0 (0: none)
  bool huge_pages = false;   // madvise the RAM MADV_HUGEPAGE, else MADV_NOHUGEPAGE
  // The in-kernel irqchip and PIT, ram_size laid out as QEMU's -M pc does (low RAM below
  // 3 GiB, the rest from 4 GiB: two slots), and KVM_GET_SUPPORTED_CPUID's CPU.
  bool pc = false;
};

struct FloorRun {
  uint32_t status = 0;                 // what the guest wrote to port 0xF4
  uint64_t exits = 0;                  // KVM_RUN returns, the last (the exit port) included
  std::chrono::nanoseconds run_time{}; // from the first KVM_RUN to the exit-port write
};

// kvm_fd: an open /dev/kvm. Fails on any failed call, on an exit that is neither port
// I/O nor MMIO, and after `max_exits` exits.
Result<FloorRun> run_floor(int kvm_fd, std::span<const uint8_t> rom, const FloorOptions& options = {},
                           uint64_t max_exits = 100'000'000);

} // namespace slotbox::bench
