// Runs the vCPU until the guest ends: each exit is decoded once and dispatched through
// the port or memory address space, so devices are regions, not cases of a switch.
#pragma once

#include "host/base/error.h"
#include "host/machine/pc_machine.h"
#include "host/machine/run_end.h"

#include <chrono>
#include <cstdio>

namespace slotbox::machine {

// trace: where to describe every exit as it happens (--trace), or nullptr.
Result<RunEnd> run_until_end(PcMachine& machine, std::chrono::milliseconds limit, std::FILE* trace = nullptr);

} // namespace slotbox::machine
