#include "host/machine/run_loop.h"

#include "host/base/format.h"
#include "host/machine/watchdog.h"

#include <cstring>
#include <optional>
#include <variant>

namespace slotbox::machine {
namespace {

uint64_t load(std::span<const uint8_t> bytes) {
  uint64_t value = 0;
  std::memcpy(&value, bytes.data(), bytes.size()); // x86 guests are little-endian, as is the host
  return value;
}

void store(std::span<uint8_t> bytes, uint64_t value) {
  std::memcpy(bytes.data(), &value, bytes.size());
}

// One line per exit for --trace: "exit: io out port 0x3f8 size 1 count 1 value 0x6f",
// "exit: mmio write gpa 0xfeb00008 size 4 value 0x1".
void trace_exit(std::FILE* trace, const kvm::VcpuExit& exit) {
  if (const auto* io = std::get_if<kvm::IoExit>(&exit)) {
    std::fprintf(trace, "exit: io %s port 0x%x size %u count %u%s%s\n", io->is_write ? "out" : "in", io->port,
                 io->size, io->count, io->is_write && io->count == 1 ? " value " : "",
                 io->is_write && io->count == 1 ? hex(load(io->data)).c_str() : "");
  } else if (const auto* mmio = std::get_if<kvm::MmioExit>(&exit)) {
    std::fprintf(trace, "exit: mmio %s gpa 0x%llx size %u%s%s\n", mmio->is_write ? "write" : "read",
                 static_cast<unsigned long long>(mmio->gpa), mmio->size, mmio->is_write ? " value " : "",
                 mmio->is_write ? hex(load(mmio->data)).c_str() : "");
  } else if (std::holds_alternative<kvm::InterruptedExit>(exit)) {
    std::fprintf(trace, "exit: interrupted (signal)\n");
  } else {
    std::fprintf(trace, "exit: run ends\n");
  }
}

class ExitDispatcher {
public:
  explicit ExitDispatcher(PcMachine& machine) : m_machine(machine) {}

  // Returns the end of the run, or nothing to keep running.
  std::optional<RunEnd> operator()(const kvm::IoExit& exit) {
    memory::AddressSpace& io = m_machine.map().io();
    m_machine.exits().count_exit("KVM_EXIT_IO");
    for (uint32_t i = 0; i < exit.count; ++i) {
      m_machine.exits().count_port(exit.port, exit.is_write);
      auto element = exit.data.subspan(size_t{i} * exit.size, exit.size);
      if (exit.is_write)
        io.write(exit.port, exit.size, load(element));
      else
        store(element, io.read(exit.port, exit.size));
    }
    if (auto status = m_machine.debug_exit().status()) return guest_exit_end(*status);
    return std::nullopt;
  }
  std::optional<RunEnd> operator()(const kvm::MmioExit& exit) {
    memory::AddressSpace& memory = m_machine.map().memory();
    m_machine.exits().count_exit("KVM_EXIT_MMIO");
    m_machine.exits().count_mmio(exit.gpa, exit.is_write);
    if (exit.is_write)
      memory.write(exit.gpa, exit.size, load(exit.data));
    else
      store(exit.data, memory.read(exit.gpa, exit.size));
    return std::nullopt;
  }
  std::optional<RunEnd> operator()(const kvm::HltExit&) {
    return ended(EndKind::kHalt, "KVM_EXIT_HLT (halted with interrupts off)");
  }
  std::optional<RunEnd> operator()(const kvm::ShutdownExit&) {
    return RunEnd{EndKind::kTripleFault, 0, "KVM_EXIT_SHUTDOWN (triple fault)" + where_shut_down()};
  }
  std::optional<RunEnd> operator()(const kvm::FailEntryExit& exit) {
    return ended(EndKind::kFailEntry,
                 "KVM_EXIT_FAIL_ENTRY (hardware reason " + hex(exit.hardware_reason) + ")");
  }
  std::optional<RunEnd> operator()(const kvm::InternalErrorExit& exit) {
    std::string bytes;
    for (uint8_t byte : exit.instruction) bytes += (bytes.empty() ? "" : " ") + hex_byte(byte);
    return ended(EndKind::kInternalError, "KVM_EXIT_INTERNAL_ERROR (" + internal_error_name(exit.suberror) +
                                              (bytes.empty() ? "" : ", instruction bytes " + bytes) + ")");
  }
  std::optional<RunEnd> operator()(const kvm::InterruptedExit&) { return std::nullopt; }
  RunEnd timed_out(std::chrono::milliseconds limit) const {
    return ended(EndKind::kTimeout, "no end within " + std::to_string(limit.count()) + " ms");
  }
  std::optional<RunEnd> operator()(const kvm::UnhandledExit& exit) {
    return ended(EndKind::kUnexpectedExit,
                 std::string(kvm::exit_reason_name(exit.reason)) + " (" +
                     std::to_string(exit.reason) + ")");
  }

private:
  static std::string internal_error_name(uint32_t suberror) {
    switch (suberror) {
    case KVM_INTERNAL_ERROR_EMULATION: return "emulation failure";
    case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering an exception";
    case KVM_INTERNAL_ERROR_DELIVERY_EV: return "event delivery failed";
    default: return "suberror " + std::to_string(suberror);
    }
  }

  RunEnd ended(EndKind kind, std::string what) const {
    return RunEnd{kind, 0, what + where()};
  }

  // " at rip 0x..." for messages about a guest that stopped.
  std::string where() const {
    auto regs = m_machine.vcpu().registers();
    return regs ? " at rip " + hex(regs->rip) : std::string();
  }

  // KVM on SVM resets the vCPU before it reports a shutdown (the VMCB is reinitialised
  // on the intercept), so its registers hold the reset state, not where the guest was.
  // Say so rather than print the reset vector as the place of the fault.
  std::string where_shut_down() const {
    auto regs = m_machine.vcpu().registers();
    if (!regs) return {};
    if (regs->rip == kResetRip && regs->rflags == kResetFlags && regs->rsp == 0)
      return " at an unknown rip (KVM reset the vCPU before reporting it)";
    return " at rip " + hex(regs->rip);
  }

  static std::string hex_byte(uint8_t byte) {
    const char* digits = "0123456789abcdef";
    return {digits[byte >> 4], digits[byte & 15]};
  }

  // The architectural reset state (SDM vol. 3A 10.1.1, table 10-1): RIP 0xFFF0 with CS
  // based at 0xFFFF0000, RFLAGS with only the reserved bit 1.
  static constexpr uint64_t kResetRip = 0xFFF0;
  static constexpr uint64_t kResetFlags = 0x2;

  PcMachine& m_machine;
};

} // namespace

Result<RunEnd> run_until_end(PcMachine& machine, std::chrono::milliseconds limit, std::FILE* trace) {
  auto started = std::chrono::steady_clock::now();
  ExitDispatcher dispatch(machine);
  std::optional<RunEnd> end;
  uint64_t exits = 0;
  {
    Watchdog watchdog(machine.vcpu(), limit);
    while (!end) {
      kvm::VcpuExit exit = SLOTBOX_TRY(machine.vcpu().run());
      ++exits;
      if (trace) trace_exit(trace, exit);
      if (watchdog.fired()) {
        end = dispatch.timed_out(limit);
        break;
      }
      end = std::visit(dispatch, exit);
    }
  }
  end->elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  end->exits = exits;
  return *end;
}

} // namespace slotbox::machine
