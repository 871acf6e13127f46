// Pseudo-random numbers for checks that must pick the same "random" pages, addresses or
// bytes on every host (xorshift64, Marsaglia 2003). state must not be 0.
#pragma once

#include <stdint.h>

namespace slotbox::guest {

inline uint64_t next_random(uint64_t& state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

} // namespace slotbox::guest
