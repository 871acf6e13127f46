// What KVM emulated for each named image: the vCPU statistic insn_emulation over one run
// of every named image (`slotbox run --stats --format json --jobs 1`). On PVM, which
// emulates the guest's CPL0 code an instruction at a time, it counts the boot path's
// instructions; on VMX and SVM only what KVM decodes itself (string port I/O, MMIO, ...).
// Then, KVM or not, the same images' CPL0 instructions under QEMU (qemu_instruction_count.h):
// what PVM would emulate, where there is no PVM.
#pragma once

#include "host/bench/bench_context.h"

namespace slotbox::bench {

Section emulation_section(const BenchContext& context);

} // namespace slotbox::bench
