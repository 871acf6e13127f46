// Small string helpers shared by error contexts and reports.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace slotbox {

inline std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

// "4 GiB", "512 MiB", "70000 bytes": the largest binary unit that divides it exactly.
inline std::string describe_size(uint64_t bytes) {
  static const char* const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (unit < 4 && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + " " + kUnits[unit];
}

} // namespace slotbox
