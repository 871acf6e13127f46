// kvm_run decoded once into a typed exit (like rust-vmm's VcpuExit), so the run loop
// dispatches on types instead of poking at the shared page.
#pragma once

#include <linux/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <variant>

namespace slotbox::kvm {

// Port I/O; `data` holds count * size bytes (count > 1 for rep ins/outs). For reads the
// handler fills it in and KVM completes the instruction on the next KVM_RUN.
struct IoExit {
  uint16_t port;
  uint8_t size;
  bool is_write;
  uint32_t count;
  std::span<uint8_t> data;
};

// An access to a gpa with no writable slot behind it: the MMIO hole, or a write to a
// read-only slot. Reads are completed like IoExit.
struct MmioExit {
  uint64_t gpa;
  uint8_t size;
  bool is_write;
  std::span<uint8_t> data;
};

struct HltExit {};
struct ShutdownExit {};      // triple fault
struct FailEntryExit { uint64_t hardware_reason; };
// e.g. KVM_INTERNAL_ERROR_EMULATION; for an emulation failure KVM may give the bytes of
// the instruction it could not emulate (KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES).
// The bytes live in the exit itself (an x86 instruction is at most 15 bytes long) so that
// every exit type, and VcpuExit with them, is trivially copyable: no destructor to run
// on every exit.
struct InternalErrorExit {
  static constexpr size_t kMaxInstruction = 15;
  uint32_t suberror;
  std::array<uint8_t, kMaxInstruction> instruction_bytes{};
  uint8_t instruction_size = 0;  // 0: KVM gave no bytes
  std::span<const uint8_t> instruction() const { return {instruction_bytes.data(), instruction_size}; }
};
// A breakpoint, a debug-register match or a single step, with KVM_SET_GUEST_DEBUG on:
// exception 1 (#DB, dr6 says which) or 3 (#BP, an int3 the debugger placed).
struct DebugExit {
  uint32_t exception;
  uint64_t pc;
  uint64_t dr6;
};
// With Hyper-V enlightenments on (kvm/hyperv.h): a SynIC MSR write KVM has handled and
// reports (type KVM_EXIT_HYPERV_SYNIC: the guest's SIMP and SIEFP values), or a hypercall
// it leaves to user space (KVM_EXIT_HYPERV_HCALL: its control word and the RDX and R8
// inputs), whose status the handler writes to *hcall_result.
struct HypervExit {
  uint32_t type;
  uint64_t simp = 0;
  uint64_t siefp = 0;
  uint64_t control = 0;
  uint64_t input = 0;
  uint64_t output = 0;
  __u64* hcall_result = nullptr;  // null unless type is KVM_EXIT_HYPERV_HCALL
};
struct InterruptedExit {};   // KVM_RUN returned EINTR or EAGAIN: a kick, or an AP just given INIT/SIPI
struct UnhandledExit { uint32_t reason; };

using VcpuExit = std::variant<IoExit, MmioExit, HltExit, ShutdownExit, FailEntryExit,
                              InternalErrorExit, DebugExit, HypervExit, InterruptedExit, UnhandledExit>;

static_assert(std::is_trivially_copyable_v<VcpuExit>, "decoded on every exit: nothing to destroy");

const char* exit_reason_name(uint32_t reason);

} // namespace slotbox::kvm
