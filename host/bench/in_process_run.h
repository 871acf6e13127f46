// A bench ROM through slotbox's whole machine inside this process: PcMachine (memory map,
// devices, irqchip, slots, vCPU), the run controller's vCPU thread and exit dispatch, then
// teardown; and the same ROM through the raw floor. Both fail unless the guest wrote 0.
#pragma once

#include "host/base/error.h"
#include "host/bench/raw_floor.h"
#include "host/kvm/system.h"
#include "host/machine/run_controller.h"

#include <chrono>
#include <cstdint>
#include <span>

namespace slotbox::bench {

struct InProcessRun {
  std::chrono::nanoseconds total{};     // create to destroy
  std::chrono::nanoseconds run_time{};  // the vCPU running, boot to the exit-port write
  uint64_t exits = 0;
};

// sandbox: the vCPU thread's seccomp filter, on as `slotbox run` has it unless told otherwise.
Result<InProcessRun> run_in_slotbox(const kvm::System& kvm, std::span<const uint8_t> rom, uint64_t ram_size,
                                    machine::SandboxSettings sandbox = {});
Result<InProcessRun> run_in_floor(const kvm::System& kvm, std::span<const uint8_t> rom, const FloorOptions& options = {});

} // namespace slotbox::bench
