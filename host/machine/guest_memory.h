// Guest memory as the debugger and crash reports see it: guest-physical reads of RAM and
// ROM (a breakpoint's target may be either), writes to RAM only, and the paging mode of a
// stopped vCPU, for reads through the guest's own page tables (debug/page_walk.h).
// Never MMIO: a read must not have a device's side effects.
#pragma once

#include "host/debug/guest_registers.h"
#include "host/debug/page_walk.h"
#include "host/machine/pc_memory_map.h"

#include <linux/kvm.h>

namespace slotbox::machine {

debug::PhysicalRead physical_reader(PcMemoryMap& map);
// The debugger's writes: into RAM or ROM (an int3 in the BIOS, as QEMU's gdbstub can);
// false for MMIO and holes. The guest itself still cannot write ROM.
bool write_physical(PcMemoryMap& map, uint64_t gpa, std::span<const uint8_t> bytes);

debug::PagingMode paging_mode(const kvm_sregs& sregs);
debug::GuestRegisters guest_registers(const kvm_regs& regs, const kvm_sregs& sregs);

} // namespace slotbox::machine
