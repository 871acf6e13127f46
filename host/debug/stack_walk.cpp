#include "host/debug/stack_walk.h"

namespace slotbox::debug {

std::vector<uint64_t> walk_frames(uint64_t rip, uint64_t rbp, const VirtualRead& read, size_t max_frames) {
  std::vector<uint64_t> frames{rip};
  while (frames.size() < max_frames && rbp != 0 && rbp % 8 == 0) {
    uint64_t frame[2];  // the caller's rbp, the return address
    if (!read(rbp, {reinterpret_cast<uint8_t*>(frame), sizeof frame})) break;
    if (frame[1] == 0) break;
    frames.push_back(frame[1]);
    if (frame[0] <= rbp) break;
    rbp = frame[0];
  }
  return frames;
}

} // namespace slotbox::debug
