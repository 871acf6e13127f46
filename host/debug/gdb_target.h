// What the gdb stub needs of a stopped machine, so the protocol (gdb_server.h) is pure and
// the KVM side (machine/gdb_machine_target.h) is small.
#pragma once

#include "host/base/error.h"
#include "host/debug/guest_registers.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace slotbox::debug::gdb {

// DR7's R/W field (SDM vol. 3B 18.2.4): instruction execution, data writes, reads or writes.
enum class WatchKind : uint8_t { kExecute = 0, kWrite = 1, kAccess = 3 };
struct HardwareBreakpoint {
  uint64_t address;
  WatchKind kind;
  unsigned length;  // 1, 2, 4 or 8 bytes (1 for execution)
};
inline constexpr size_t kHardwareBreakpoints = 4;  // DR0-DR3

class Target {
public:
  virtual ~Target() = default;
  virtual size_t vcpu_count() const = 0;
  virtual Result<GuestRegisters> registers(size_t vcpu) = 0;
  // The general registers, rip and rflags of `regs` (gdb_registers.h says why only those).
  virtual Result<void> set_registers(size_t vcpu, const GuestRegisters& regs) = 0;
  // Guest-virtual, through the vCPU's page tables: how many bytes from the start could be read.
  virtual size_t read_memory(size_t vcpu, uint64_t address, std::span<uint8_t> out) = 0;
  // Guest RAM or ROM (not MMIO); all or nothing.
  virtual bool write_memory(size_t vcpu, uint64_t address, std::span<const uint8_t> bytes) = 0;
  // KVM_SET_GUEST_DEBUG on every vCPU: these debug-register breakpoints, int3 exits to the
  // host when `software`, and single-stepping on `step_vcpu`. Nothing on: debugging off.
  virtual Result<void> set_guest_debug(std::span<const HardwareBreakpoint> hardware, bool software,
                                       std::optional<size_t> step_vcpu) = 0;
};

} // namespace slotbox::debug::gdb
