#include "host/machine/exit_handler.h"

#include "host/base/format.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <variant>

namespace slotbox::machine {
namespace {

// x86 guests are little-endian, as is the host. An access is 1, 2, 4 or 8 bytes: a copy of
// a constant size is one move, where a memcpy of a variable size is a library call on
// every exit (callgrind: ~20 instructions).
template <typename Word>
uint64_t load_word(const uint8_t* bytes) {
  Word word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// Inlined (always_inline) into the port and MMIO handlers: otherwise a call of its own on
// every exit (callgrind: ~9 instructions, docs/benchmarks.md, "Exits, fourth round").
[[gnu::always_inline]] inline uint64_t load(std::span<const uint8_t> bytes) {
  switch (bytes.size()) {
  case 1: return bytes[0];
  case 2: return load_word<uint16_t>(bytes.data());
  case 4: return load_word<uint32_t>(bytes.data());
  case 8: return load_word<uint64_t>(bytes.data());
  default: {
    uint64_t value = 0;
    std::memcpy(&value, bytes.data(), std::min(bytes.size(), sizeof value));
    return value;
  }
  }
}

template <typename Word>
void store_word(uint8_t* bytes, uint64_t value) {
  auto word = static_cast<Word>(value);
  std::memcpy(bytes, &word, sizeof word);
}

[[gnu::always_inline]] inline void store(std::span<uint8_t> bytes, uint64_t value) {
  switch (bytes.size()) {
  case 1: bytes[0] = static_cast<uint8_t>(value); return;
  case 2: return store_word<uint16_t>(bytes.data(), value);
  case 4: return store_word<uint32_t>(bytes.data(), value);
  case 8: return store_word<uint64_t>(bytes.data(), value);
  default: std::memcpy(bytes.data(), &value, std::min(bytes.size(), sizeof value));
  }
}

// The architectural reset state (SDM vol. 3A 10.1.1, table 10-1): RIP 0xFFF0 with CS
// based at 0xFFFF0000, RFLAGS with only the reserved bit 1.
constexpr uint64_t kResetRip = 0xFFF0;
constexpr uint64_t kResetFlags = 0x2;

std::string hex_byte(uint8_t byte) {
  const char* digits = "0123456789abcdef";
  return {digits[byte >> 4], digits[byte & 15]};
}

std::string internal_error_name(uint32_t suberror) {
  switch (suberror) {
  case KVM_INTERNAL_ERROR_EMULATION: return "emulation failure";
  case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering an exception";
  case KVM_INTERNAL_ERROR_DELIVERY_EV: return "event delivery failed";
  default: return "suberror " + std::to_string(suberror);
  }
}

// The run's end once the guest wrote its status: out of line (noinline) and built straight
// into the caller's result, so the port handler keeps no RunEnd of its own on its stack.
[[gnu::noinline]] std::optional<RunEnd> ended_by_guest(uint32_t status) { return guest_exit_end(status); }

class Handler {
public:
  explicit Handler(ExitContext& context) : m_context(context) {}

  // A rep ins/outs moves `count` elements through one port; nearly every exit moves one.
  // The port is counted once for all of them, and the single element skips the loop
  // (callgrind: the loop and a count per element were ~20 instructions an exit).
  // Inlined (always_inline) into handle_exit's test for a port exit, as the MMIO one below.
  [[gnu::always_inline]] std::optional<RunEnd> operator()(const kvm::IoExit& exit) {
    m_context.exits.count_reason(KVM_EXIT_IO);
    m_context.exits.count_port(exit.port, exit.is_write, exit.count);
    if (exit.count == 1) [[likely]]
      access_port(exit, exit.data);
    else
      for (uint32_t i = 0; i < exit.count; ++i) access_port(exit, exit.data.subspan(size_t{i} * exit.size, exit.size));
    if (auto status = m_context.debug_exit.status()) return ended_by_guest(*status);
    return std::nullopt;
  }
  [[gnu::always_inline]] std::optional<RunEnd> operator()(const kvm::MmioExit& exit) {
    m_context.exits.count_reason(KVM_EXIT_MMIO);
    m_context.exits.count_mmio(exit.gpa, exit.is_write);
    if (exit.is_write)
      m_context.memory.write(exit.gpa, exit.size, load(exit.data));
    else
      store(exit.data, m_context.memory.read(exit.gpa, exit.size));
    return std::nullopt;
  }
  // With the in-kernel irqchip KVM keeps HLT to itself; a HLT exit means there is none.
  std::optional<RunEnd> operator()(const kvm::HltExit&) {
    m_context.exits.count_reason(KVM_EXIT_HLT);
    return ended(EndKind::kHalt, "KVM_EXIT_HLT (halted with no interrupt controller to wake it)" + where());
  }
  std::optional<RunEnd> operator()(const kvm::ShutdownExit&) {
    m_context.exits.count_reason(KVM_EXIT_SHUTDOWN);
    return ended(EndKind::kTripleFault, "KVM_EXIT_SHUTDOWN (triple fault)" + where_shut_down());
  }
  std::optional<RunEnd> operator()(const kvm::FailEntryExit& exit) {
    m_context.exits.count_reason(KVM_EXIT_FAIL_ENTRY);
    return ended(EndKind::kFailEntry,
                 "KVM_EXIT_FAIL_ENTRY (hardware reason " + hex(exit.hardware_reason) + ")" + where());
  }
  std::optional<RunEnd> operator()(const kvm::InternalErrorExit& exit) {
    m_context.exits.count_reason(KVM_EXIT_INTERNAL_ERROR);
    std::string bytes;
    for (uint8_t byte : exit.instruction()) bytes += (bytes.empty() ? "" : " ") + hex_byte(byte);
    return ended(EndKind::kInternalError, "KVM_EXIT_INTERNAL_ERROR (" + internal_error_name(exit.suberror) +
                                              (bytes.empty() ? "" : ", instruction bytes " + bytes) + ")" + where());
  }
  // Only a debugger turns guest debugging on, and the run controller gives it these first.
  std::optional<RunEnd> operator()(const kvm::DebugExit& exit) {
    m_context.exits.count_reason(KVM_EXIT_DEBUG);
    return ended(EndKind::kUnexpectedExit, "KVM_EXIT_DEBUG (exception " + std::to_string(exit.exception) +
                                               ") at rip " + hex(exit.pc) + " with no debugger");
  }
  // KVM has done the work of a SynIC MSR write already and says where the pages are now; a
  // hypercall it leaves to user space goes to the Hyper-V test device, or is answered as
  // Hyper-V answers an unknown one.
  std::optional<RunEnd> operator()(const kvm::HypervExit& exit) {
    m_context.exits.count_reason(KVM_EXIT_HYPERV);
    HypervTestdev* device = m_context.hyperv;
    if (exit.type == KVM_EXIT_HYPERV_SYNIC && device) device->set_synic_pages(m_context.vp_index, exit.simp, exit.siefp);
    if (exit.hcall_result)
      *exit.hcall_result = device ? device->hypercall(exit.control, exit.input, exit.output) : kHvStatusInvalidHypercallCode;
    return std::nullopt;
  }
  // A signal interrupted KVM_RUN (the run controller's kick): nothing happened in the guest.
  std::optional<RunEnd> operator()(const kvm::InterruptedExit&) { return std::nullopt; }
  std::optional<RunEnd> operator()(const kvm::UnhandledExit& exit) {
    m_context.exits.count_reason(exit.reason);
    return ended(EndKind::kUnexpectedExit,
                 std::string(kvm::exit_reason_name(exit.reason)) + " (" + std::to_string(exit.reason) + ")" + where());
  }

private:
  // One element of a port access: `element` is exit.size bytes of exit.data.
  [[gnu::always_inline]] void access_port(const kvm::IoExit& exit, std::span<uint8_t> element) {
    if (exit.is_write)
      m_context.io.write(exit.port, exit.size, load(element));
    else
      store(element, m_context.io.read(exit.port, exit.size));
  }

  static RunEnd ended(EndKind kind, std::string detail) { return RunEnd{kind, 0, std::move(detail)}; }

  // " at rip 0x..." for messages about a guest that stopped.
  std::string where() const {
    auto regs = m_context.registers();
    return regs ? " at rip " + hex(regs->rip) : std::string();
  }

  // KVM on SVM resets the vCPU before it reports a shutdown (the VMCB is reinitialised on
  // the intercept), so its registers hold the reset state, not where the guest was. Say
  // so rather than print the reset vector as the place of the fault.
  std::string where_shut_down() const {
    auto regs = m_context.registers();
    if (!regs) return {};
    if (regs->rip == kResetRip && regs->rflags == kResetFlags && regs->rsp == 0)
      return " at an unknown rip (KVM reset the vCPU before reporting it)";
    return " at rip " + hex(regs->rip);
  }

  ExitContext& m_context;
};

} // namespace

namespace {

// The rare exits (most end the run): out of line (noinline), so that their strings and
// stack frame (with std::visit inlined into handle_exit: 0x2b8 bytes) do not weigh on
// every port and MMIO exit.
[[gnu::noinline]] std::optional<RunEnd> handle_rare_exit(const kvm::VcpuExit& exit, ExitContext& context) {
  return std::visit(Handler(context), exit);
}

} // namespace

// Port I/O and MMIO are nearly every exit: they are tested for first, each a compare of
// the variant's index, so they skip std::visit's indirect jump through its table (under
// the nested TCG harness every indirect branch is a translated-block lookup).
std::optional<RunEnd> handle_exit(const kvm::VcpuExit& exit, ExitContext& context) {
  Handler handler(context);
  if (const auto* io = std::get_if<kvm::IoExit>(&exit)) return handler(*io);
  if (const auto* mmio = std::get_if<kvm::MmioExit>(&exit)) return handler(*mmio);
  return handle_rare_exit(exit, context);
}

void trace_exit(std::FILE* trace, const kvm::VcpuExit& exit) {
  if (const auto* io = std::get_if<kvm::IoExit>(&exit)) {
    std::fprintf(trace, "exit: io %s port 0x%x size %u count %u%s%s\n", io->is_write ? "out" : "in", io->port,
                 io->size, io->count, io->is_write && io->count == 1 ? " value " : "",
                 io->is_write && io->count == 1 ? hex(load(io->data)).c_str() : "");
  } else if (const auto* mmio = std::get_if<kvm::MmioExit>(&exit)) {
    std::fprintf(trace, "exit: mmio %s gpa 0x%llx size %u%s%s\n", mmio->is_write ? "write" : "read",
                 static_cast<unsigned long long>(mmio->gpa), mmio->size, mmio->is_write ? " value " : "",
                 mmio->is_write ? hex(load(mmio->data)).c_str() : "");
  } else if (const auto* hyperv = std::get_if<kvm::HypervExit>(&exit)) {
    if (hyperv->hcall_result)
      std::fprintf(trace, "exit: hyperv hypercall control %s input %s\n", hex(hyperv->control).c_str(),
                   hex(hyperv->input).c_str());
    else
      std::fprintf(trace, "exit: hyperv synic simp %s siefp %s\n", hex(hyperv->simp).c_str(), hex(hyperv->siefp).c_str());
  } else if (std::holds_alternative<kvm::InterruptedExit>(exit)) {
    std::fprintf(trace, "exit: interrupted (signal)\n");
  } else {
    std::fprintf(trace, "exit: run ends\n");
  }
}

} // namespace slotbox::machine
