// The serial console (COM1) with printf-style formatting: %d %i %u %x %X %c %s %p %%,
// length modifiers l, ll, z, and a width with optional 0 flag (e.g. %08x, %-12s).
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace slotbox::guest {

void put_char(char c);
void print(const char* format, ...) __attribute__((format(printf, 1, 2)));
void vprint(const char* format, va_list arguments);
// Formats into buffer (always terminated); returns the length written.
size_t format_to(char* buffer, size_t size, const char* format, ...) __attribute__((format(printf, 3, 4)));
size_t vformat_to(char* buffer, size_t size, const char* format, va_list arguments);

} // namespace slotbox::guest
