// Image arguments: what follows `--` on slotbox's command line (`slotbox run touch --
// --window 256M`), fetched from the host once. Under QEMU there are none.
#pragma once

#include <stdint.h>

namespace slotbox::guest {

// The value after `flag` ("--window"), or nullptr.
const char* image_argument(const char* flag);
// "64M", "1G", "4096", "0x1000" -> bytes; `fallback` when text is null or malformed.
uint64_t parse_size(const char* text, uint64_t fallback);

} // namespace slotbox::guest
