// Touch an address and find out whether it faulted, and how: the runtime's kernel records
// the #PF, #GP or #UD instead of failing the run, and execution resumes after the access.
#pragma once

#include "slotbox/kernel_call.h"

#include <stdint.h>

namespace slotbox::guest {

inline constexpr uint64_t kNoFault = ~0ull;

struct FaultRecord {
  uint64_t vector;   // kNoFault, or 6, 13, 14
  uint64_t address;  // CR2 for #PF
  uint64_t error;    // the exception's error code
  bool faulted() const { return vector != kNoFault; }
};

FaultRecord probe_read(uint64_t address);
FaultRecord probe_write(uint64_t address, uint64_t value);

// Page-fault error code bits (SDM vol. 3A 4.7).
inline constexpr uint64_t kPfPresent = 1 << 0;
inline constexpr uint64_t kPfWrite = 1 << 1;
inline constexpr uint64_t kPfUser = 1 << 2;

} // namespace slotbox::guest
