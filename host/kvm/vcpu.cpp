#include "host/kvm/vcpu.h"

#include "host/kvm/ioctl.h"

#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace slotbox::kvm {
namespace {

// The instruction bytes are there only for an emulation failure whose flags say so, and
// only as far as ndata covers them (KVM API documentation, KVM_EXIT_INTERNAL_ERROR).
InternalErrorExit internal_error(const kvm_run& run) {
  InternalErrorExit exit{.suberror = run.internal.suberror};
  const auto& failure = run.emulation_failure;
  constexpr uint32_t kWordsThroughBytes = 3;  // flags, then insn_size with insn_bytes: u64 words
  if (failure.suberror == KVM_INTERNAL_ERROR_EMULATION && failure.ndata >= kWordsThroughBytes &&
      (failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
    size_t size = std::min<size_t>({failure.insn_size, sizeof failure.insn_bytes, exit.instruction_bytes.size()});
    std::copy_n(failure.insn_bytes, size, exit.instruction_bytes.begin());
    exit.instruction_size = static_cast<uint8_t>(size);
  }
  return exit;
}

HypervExit hyperv_exit(kvm_run& run) {
  if (run.hyperv.type == KVM_EXIT_HYPERV_SYNIC)
    return HypervExit{.type = run.hyperv.type, .simp = run.hyperv.u.synic.msg_page, .siefp = run.hyperv.u.synic.evt_page};
  if (run.hyperv.type == KVM_EXIT_HYPERV_HCALL) {
    const auto& call = run.hyperv.u.hcall;
    return HypervExit{.type = run.hyperv.type, .control = call.input, .input = call.params[0],
                      .output = call.params[1], .hcall_result = &run.hyperv.u.hcall.result};
  }
  return HypervExit{.type = run.hyperv.type};
}

// Inlined into run(), which every exit comes through: no call and no stack frame of its
// own (callgrind: ~6 instructions an exit fewer). Port I/O and MMIO, nearly every exit,
// are tested for before the switch: its jump table is an indirect branch, which under the
// nested TCG harness costs a translated-block lookup on every exit. It returns run()'s
// Result itself, so each exit type is built in place in it, not in a VcpuExit on the
// stack that is then copied whole (64 bytes) into the Result.
[[gnu::always_inline]] inline Result<VcpuExit> decode(kvm_run& run) {
  if (run.exit_reason == KVM_EXIT_IO) [[likely]] {
    auto* data = reinterpret_cast<uint8_t*>(&run) + run.io.data_offset;
    return IoExit{run.io.port, run.io.size, run.io.direction == KVM_EXIT_IO_OUT, run.io.count,
                  std::span<uint8_t>(data, size_t{run.io.size} * run.io.count)};
  }
  if (run.exit_reason == KVM_EXIT_MMIO)
    return MmioExit{run.mmio.phys_addr, static_cast<uint8_t>(run.mmio.len),
                    run.mmio.is_write != 0, std::span<uint8_t>(run.mmio.data, run.mmio.len)};
  switch (run.exit_reason) {
  case KVM_EXIT_HLT: return HltExit{};
  case KVM_EXIT_SHUTDOWN: return ShutdownExit{};
  case KVM_EXIT_FAIL_ENTRY: return FailEntryExit{run.fail_entry.hardware_entry_failure_reason};
  case KVM_EXIT_INTERNAL_ERROR: return internal_error(run);
  case KVM_EXIT_INTR: return InterruptedExit{};
  case KVM_EXIT_DEBUG: return DebugExit{run.debug.arch.exception, run.debug.arch.pc, run.debug.arch.dr6};
  case KVM_EXIT_HYPERV: return hyperv_exit(run);
  default: return UnhandledExit{run.exit_reason};
  }
}

} // namespace

Result<void> Vcpu::set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) {
  std::vector<uint8_t> buffer(sizeof(CpuidHeader) + entries.size() * sizeof(kvm_cpuid_entry2));
  auto* cpuid = reinterpret_cast<CpuidHeader*>(buffer.data());
  cpuid->nent = static_cast<uint32_t>(entries.size());
  std::memcpy(cpuid_entries(cpuid), entries.data(), entries.size() * sizeof(kvm_cpuid_entry2));
  SLOTBOX_TRY_VOID(checked_ioctl<kSetCpuid2>(m_fd.get(), "KVM_SET_CPUID2", cpuid));
  return {};
}

Result<void> Vcpu::enable_hyperv_synic() {
  kvm_enable_cap cap{};
  cap.cap = KVM_CAP_HYPERV_SYNIC2;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_ENABLE_CAP, &cap, "KVM_CAP_HYPERV_SYNIC2"));
  return {};
}

// Every exit comes through here: a plain ioctl, the Error (and its strings) built only
// when it fails.
Result<VcpuExit> Vcpu::run() {
  if (::ioctl(m_fd.get(), KVM_RUN, 0) < 0) {
    // EINTR: a signal (the run controller's kick). EAGAIN: an AP that was waiting for
    // INIT/SIPI has just received them; KVM wants KVM_RUN again, as QEMU does.
    if (errno == EINTR || errno == EAGAIN) return InterruptedExit{};
    return fail(Error::from_errno("KVM_RUN"));
  }
  return decode(shared());
}

void Vcpu::request_immediate_exit(bool on) { shared().immediate_exit = on ? 1 : 0; }

Result<kvm_regs> Vcpu::registers() const {
  kvm_regs regs{};
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_GET_REGS, &regs));
  return regs;
}

Result<void> Vcpu::set_registers(const kvm_regs& regs) {
  kvm_regs copy = regs;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_SET_REGS, &copy));
  return {};
}

Result<kvm_sregs> Vcpu::special_registers() const {
  kvm_sregs sregs{};
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_GET_SREGS, &sregs));
  return sregs;
}

Result<void> Vcpu::set_special_registers(const kvm_sregs& sregs) {
  kvm_sregs copy = sregs;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_SET_SREGS, &copy));
  return {};
}

Result<kvm_lapic_state> Vcpu::lapic() const {
  kvm_lapic_state state{};
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_GET_LAPIC, &state));
  return state;
}

Result<void> Vcpu::set_lapic(const kvm_lapic_state& state) {
  kvm_lapic_state copy = state;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_SET_LAPIC, &copy));
  return {};
}

Result<uint32_t> Vcpu::mp_state() const {
  kvm_mp_state state{};
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_GET_MP_STATE, &state));
  return state.mp_state;
}

Result<void> Vcpu::set_guest_debug(const kvm_guest_debug& debug) {
  kvm_guest_debug copy = debug;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_SET_GUEST_DEBUG, &copy));
  return {};
}

Result<kvm_translation> Vcpu::translate(uint64_t gva) const {
  kvm_translation translation{};
  translation.linear_address = gva;
  SLOTBOX_TRY_VOID(KVM_IOCTL(m_fd.get(), KVM_TRANSLATE, &translation));
  return translation;
}

const char* exit_reason_name(uint32_t reason) {
  switch (reason) {
  case KVM_EXIT_UNKNOWN: return "KVM_EXIT_UNKNOWN";
  case KVM_EXIT_EXCEPTION: return "KVM_EXIT_EXCEPTION";
  case KVM_EXIT_IO: return "KVM_EXIT_IO";
  case KVM_EXIT_HYPERCALL: return "KVM_EXIT_HYPERCALL";
  case KVM_EXIT_DEBUG: return "KVM_EXIT_DEBUG";
  case KVM_EXIT_HLT: return "KVM_EXIT_HLT";
  case KVM_EXIT_MMIO: return "KVM_EXIT_MMIO";
  case KVM_EXIT_IRQ_WINDOW_OPEN: return "KVM_EXIT_IRQ_WINDOW_OPEN";
  case KVM_EXIT_SHUTDOWN: return "KVM_EXIT_SHUTDOWN";
  case KVM_EXIT_FAIL_ENTRY: return "KVM_EXIT_FAIL_ENTRY";
  case KVM_EXIT_INTR: return "KVM_EXIT_INTR";
  case KVM_EXIT_INTERNAL_ERROR: return "KVM_EXIT_INTERNAL_ERROR";
  case KVM_EXIT_SYSTEM_EVENT: return "KVM_EXIT_SYSTEM_EVENT";
  case KVM_EXIT_HYPERV: return "KVM_EXIT_HYPERV";
  default: return "KVM_EXIT_?";
  }
}

} // namespace slotbox::kvm
