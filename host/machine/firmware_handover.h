// What SeaBIOS leaves behind when QEMU -kernel starts a multiboot kernel, and kernels
// rely on: the 8259 PICs initialized with vectors 0x08 and 0x70, every line masked but
// the timer (IRQ0) and the cascade; PIT channel 0 ticking at 18.2 Hz; the BSP's LINT0 as
// ExtINT so the PIC reaches it (QEMU's APIC reset does that for the BSP); and a real-mode
// interrupt vector table whose entries return, the timer's after an EOI. kvm-unit-tests'
// realmode test halts with interrupts on and waits for that tick; its 64-bit kernels
// mask the PIC first thing, as they do after SeaBIOS.
#pragma once

#include "host/base/error.h"
#include "host/kvm/vcpu.h"
#include "host/kvm/vm.h"
#include "host/machine/pc_memory_map.h"

namespace slotbox::machine {

// has_pit: false for -machine pit=off, which leaves no timer to start.
Result<void> hand_over_like_seabios(kvm::Vm& vm, kvm::Vcpu& bsp, PcMemoryMap& map, bool has_pit);

} // namespace slotbox::machine
