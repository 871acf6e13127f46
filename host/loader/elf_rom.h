// A slotbox image's ELF (build/images/elf/NAME.elf) as the ROM objcopy makes of it: the
// bytes of every PT_LOAD segment whose physical (load) address lies in the 16 MiB under
// 4 GiB, placed at that address, from the lowest of them up to 4 GiB. So `slotbox run
// hello.elf` runs what `slotbox run hello.rom` does, and a debugger can use the same file.
#pragma once

#include "host/base/error.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace slotbox::loader {

// An ELF file of any kind (the magic bytes).
bool is_elf(std::span<const uint8_t> bytes);
// The ROM inside a 64-bit x86 ELF; bad input naming `name` and the reason otherwise.
Result<std::vector<uint8_t>> rom_from_elf(const std::string& name, std::span<const uint8_t> bytes);

} // namespace slotbox::loader
