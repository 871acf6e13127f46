// The frame-pointer walk over a made-up stack: where it goes on and where it must stop.
#include "host/debug/stack_walk.h"

#include <doctest/doctest.h>

#include <cstring>
#include <map>

namespace slotbox::debug {
namespace {

// A stack as 8-byte words by address; anything else is unreadable.
struct FakeStack {
  std::map<uint64_t, uint64_t> words;
  void frame(uint64_t rbp, uint64_t caller_rbp, uint64_t return_address) {
    words[rbp] = caller_rbp;
    words[rbp + 8] = return_address;
  }
  VirtualRead reader() const {
    return [this](uint64_t gva, std::span<uint8_t> out) {
      for (size_t i = 0; i < out.size(); i += 8) {
        auto word = words.find(gva + i);
        if (word == words.end()) return false;
        std::memcpy(&out[i], &word->second, 8);
      }
      return true;
    };
  }
};

TEST_CASE("stack walk: return addresses up to the outermost frame (rbp 0)") {
  FakeStack stack;
  stack.frame(0x1000, 0x1040, 0x200100);
  stack.frame(0x1040, 0x1100, 0x200200);
  stack.frame(0x1100, 0, 0x200300);
  CHECK(walk_frames(0x200010, 0x1000, stack.reader()) == std::vector<uint64_t>{0x200010, 0x200100, 0x200200, 0x200300});
}

TEST_CASE("stack walk: stops where the chain is broken") {
  FakeStack stack;
  SUBCASE("an unreadable frame") {
    stack.frame(0x1000, 0x9000, 0x200100);
    CHECK(walk_frames(0x200010, 0x1000, stack.reader()) == std::vector<uint64_t>{0x200010, 0x200100});
  }
  SUBCASE("a frame that points back down (a loop)") {
    stack.frame(0x1000, 0x1040, 0x200100);
    stack.frame(0x1040, 0x1000, 0x200200);
    CHECK(walk_frames(0x200010, 0x1000, stack.reader()) == std::vector<uint64_t>{0x200010, 0x200100, 0x200200});
  }
  SUBCASE("a misaligned rbp, or none") {
    CHECK(walk_frames(0x200010, 0x1003, stack.reader()) == std::vector<uint64_t>{0x200010});
    CHECK(walk_frames(0x200010, 0, stack.reader()) == std::vector<uint64_t>{0x200010});
  }
  SUBCASE("a null return address") {
    stack.frame(0x1000, 0x1040, 0);
    CHECK(walk_frames(0x200010, 0x1000, stack.reader()) == std::vector<uint64_t>{0x200010});
  }
  SUBCASE("the frame limit") {
    for (uint64_t rbp = 0x1000; rbp < 0x1000 + 100 * 0x20; rbp += 0x20) stack.frame(rbp, rbp + 0x20, 0x200000 + rbp);
    CHECK(walk_frames(0x200010, 0x1000, stack.reader(), 5).size() == 5);
  }
}

} // namespace
} // namespace slotbox::debug
