// Measurements an image reports beside its checks: one console line each,
//   # metric NAME VALUE UNIT
// a TAP comment, so any TAP reader (and a QEMU run's console) shows it as it is, while
// slotbox parses it into structured fields: a "metrics" array per image in --format json,
// a <property> per metric in JUnit (README "Writing an image").
//
//   metric("low_ram.first_touch", cycles_per_page, "cycles/page");
#pragma once

#include <stdint.h>

namespace slotbox::guest {

// NAME and UNIT are single words: a space in either is printed as '_', so that the line
// always parses. An empty unit is printed as "-" (no unit).
void metric(const char* name, uint64_t value, const char* unit);

} // namespace slotbox::guest
