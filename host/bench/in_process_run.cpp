#include "host/bench/in_process_run.h"

#include "host/machine/pc_machine.h"
#include "host/machine/run_controller.h"

namespace slotbox::bench {
namespace {

constexpr std::chrono::seconds kRunLimit{600};  // a loop under the nested harness is slow

Error guest_failed(const char* who, const std::string& what) {
  return Error{ErrorKind::kSystem, who, "bench ROM", 0, what};
}

} // namespace

Result<InProcessRun> run_in_slotbox(const kvm::System& kvm, std::span<const uint8_t> rom, uint64_t ram_size,
                                    machine::SandboxSettings sandbox) {
  auto start = std::chrono::steady_clock::now();
  machine::RunEnd end;
  {
    machine::MachineOptions options;
    options.ram_size = ram_size;
    options.console = [](char) {};
    auto machine = SLOTBOX_TRY(machine::PcMachine::create(kvm, options, rom));
    end = SLOTBOX_TRY(machine::run_until_end(*machine, kRunLimit, nullptr, nullptr, sandbox));
  }
  auto total = std::chrono::steady_clock::now() - start;
  if (end.kind != machine::EndKind::kGuestExit || end.status != 0)
    return fail(guest_failed("slotbox", std::string(machine::end_kind_name(end.kind)) + " " + end.detail));
  return InProcessRun{total, end.elapsed, end.exits};
}

Result<InProcessRun> run_in_floor(const kvm::System& kvm, std::span<const uint8_t> rom, const FloorOptions& options) {
  auto start = std::chrono::steady_clock::now();
  FloorRun run = SLOTBOX_TRY(run_floor(kvm.fd(), rom, options));
  auto total = std::chrono::steady_clock::now() - start;
  if (run.status != 0) return fail(guest_failed("raw floor", "status " + std::to_string(run.status)));
  return InProcessRun{total, run.run_time, run.exits};
}

} // namespace slotbox::bench
