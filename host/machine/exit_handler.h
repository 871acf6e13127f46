// What one vCPU exit does: a free function of the decoded exit and the state it may touch,
// so unit tests drive it with made-up exits and no KVM, and the run controller calls it
// on each vCPU's thread (under the machine lock, see run_controller.h).
#pragma once

#include "host/kvm/exit.h"
#include "host/machine/debug_exit.h"
#include "host/machine/exit_counters.h"
#include "host/machine/hyperv_testdev.h"
#include "host/machine/run_end.h"
#include "host/memory/address_space.h"

#include <linux/kvm.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>

namespace slotbox::machine {

struct ExitContext {
  memory::AddressSpace& io;
  memory::AddressSpace& memory;
  ExitCounters& exits;
  const DebugExit& debug_exit;
  // The exiting vCPU's registers, to say where a guest stopped; nothing when unreadable.
  std::function<std::optional<kvm_regs>()> registers;
  // Where Hyper-V exits go (the kvm-unit-tests hyperv_* sections); null: no Hyper-V device.
  HypervTestdev* hyperv = nullptr;
  uint32_t vp_index = 0;  // the exiting vCPU's index, which is its Hyper-V VP index
};

// The end of the run, or nothing to keep running. Port and MMIO accesses go through the
// address spaces (devices are regions there); a status on the exit port ends the run.
std::optional<RunEnd> handle_exit(const kvm::VcpuExit& exit, ExitContext& context);

// One line per exit for --trace: "exit: io out port 0x3f8 size 1 count 1 value 0x6f".
void trace_exit(std::FILE* trace, const kvm::VcpuExit& exit);

} // namespace slotbox::machine
