// What SeaBIOS leaves behind when QEMU -kernel starts a multiboot kernel, and kernels
// rely on: the 8259 PICs initialized with vectors 0x08 and 0x70, every line masked but
// the timer (IRQ0) and the cascade; the BSP's LINT0 as
// ExtINT so the PIC reaches it (QEMU's APIC reset does that for the BSP); and a real-mode
// interrupt vector table whose entries return, the hardware IRQs' after an EOI. Its
// 64-bit kernels mask the PIC first thing, as they do after SeaBIOS.
//
// Unlike SeaBIOS, the PIT is not started at 18.2 Hz: a guest taking that tick with
// interrupts off makes QEMU 7.2's TCG, which runs the nested AMD backends of our tests,
// abort on its own assertion (tcg_handle_interrupt: qemu_mutex_iothread_locked) within a
// few runs (measured: 8 of 8 runs of kvm-unit-tests' emulator without the tick, a crash
// within 5 with it). kvm-unit-tests' realmode test, which waits for that tick in
// `sti; hlt`, therefore hangs (host/cli/kut_expected.cpp).
#pragma once

#include "host/base/error.h"
#include "host/kvm/vcpu.h"
#include "host/kvm/vm.h"
#include "host/machine/pc_memory_map.h"

namespace slotbox::machine {

Result<void> hand_over_like_seabios(kvm::Vm& vm, kvm::Vcpu& bsp, PcMemoryMap& map);

} // namespace slotbox::machine
