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

} // namespace slotbox
