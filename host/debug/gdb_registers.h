// slotbox's registers in gdb's terms: the target description gdb reads with
// qXfer:features:read:target.xml, and the 'g'/'p' register encoding in the same order.
// The description is gdb's amd64 one (features org.gnu.gdb.i386.core, .sse, .segments)
// plus the control registers and EFER, so `p $cr3` works. x87 and SSE registers read as
// zero (the guest runtime never enables them). gdb sees x86-64 registers in every CPU
// mode, as with QEMU: in real mode rip is the offset into CS (0xfff0 at reset).
#pragma once

#include "host/debug/guest_registers.h"

#include <optional>
#include <string>
#include <string_view>

namespace slotbox::debug::gdb {

std::string target_xml();
size_t register_count();

// Every register as little-endian hex, in target-description order (the 'g' reply).
std::string encode_registers(const GuestRegisters& regs);
// One register (the 'p' reply); nothing for a number past the last.
std::optional<std::string> encode_register(const GuestRegisters& regs, size_t number);

// 'G' and 'P': the general registers, rip and eflags are taken; the rest is read-only
// here (segments, control registers, x87/SSE) and a new value for it is ignored.
bool decode_registers(std::string_view hex, GuestRegisters& regs);
bool decode_register(std::string_view hex, size_t number, GuestRegisters& regs);

} // namespace slotbox::debug::gdb
