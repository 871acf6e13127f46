// Reads what a crash report needs from a vCPU as a run ends unexpectedly, on the thread
// that owns the vCPU (or after its thread has ended): the registers — for the runtime's
// crash report, those of the faulting context from the trap frame it points RSI at
// (abi::TrapFrame) — and a frame-pointer walk of the stack through the guest's page tables.
#pragma once

#include "host/kvm/vcpu.h"
#include "host/machine/pc_memory_map.h"
#include "host/machine/run_end.h"

#include <cstddef>

namespace slotbox::machine {

// Fills end.crash for the ends that deserve a report (not a plain guest exit); leaves it
// empty where the registers cannot be read, or are KVM's reset state (a shutdown on SVM).
void capture_crash(RunEnd& end, const kvm::Vcpu& vcpu, size_t vcpu_index, PcMemoryMap& map);

} // namespace slotbox::machine
