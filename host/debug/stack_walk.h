// A short walk up a guest stack by frame pointers (the guest runtime and images are built
// with -fno-omit-frame-pointer, and the runtime enters CPL3 with RBP 0): each frame holds
// the caller's RBP at [rbp] and the return address at [rbp + 8].
#pragma once

#include "host/debug/page_walk.h"

#include <cstdint>
#include <vector>

namespace slotbox::debug {

inline constexpr size_t kMaxStackFrames = 16;

// `rip` first, then the return addresses found, innermost first. The walk stops at RBP 0,
// a misaligned or unreadable frame, a null return address, or a frame that does not lie
// above the one before (stacks grow down; this also ends a loop in a corrupt chain).
std::vector<uint64_t> walk_frames(uint64_t rip, uint64_t rbp, const VirtualRead& read,
                                  size_t max_frames = kMaxStackFrames);

} // namespace slotbox::debug
