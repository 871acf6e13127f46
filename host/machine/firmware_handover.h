// What SeaBIOS leaves behind when QEMU -kernel starts a multiboot kernel, and kernels
// rely on: the 8259 PICs initialized with vectors 0x08 and 0x70; the BSP's LINT0 as
// ExtINT so the PIC reaches it (QEMU's APIC reset does that for the BSP); and a real-mode
// interrupt vector table whose entries return, the hardware IRQs' after an EOI.
// kvm-unit-tests' realmode test halts with interrupts on and waits for an interrupt; its
// 64-bit kernels mask the PIC first thing, as they do after SeaBIOS.
//
// Unlike SeaBIOS, the PIT is not started at 18.2 Hz: a guest taking that tick with
// interrupts off makes QEMU 7.2's TCG, which runs the nested AMD backends of our tests,
// abort on its own assertion (tcg_handle_interrupt: qemu_mutex_iothread_locked) within a
// few runs. The masks differ to match (firmware_handover.cpp).
#pragma once

#include "host/base/error.h"
#include "host/kvm/vcpu.h"
#include "host/kvm/vm.h"
#include "host/machine/pc_memory_map.h"

namespace slotbox::machine {

Result<void> hand_over_like_seabios(kvm::Vm& vm, kvm::Vcpu& bsp, PcMemoryMap& map);

} // namespace slotbox::machine
