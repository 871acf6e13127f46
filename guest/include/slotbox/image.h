// What an image provides: its header (how its run is expected to end) and image_main(),
// which the runtime calls at CPL3 after the kernel is up.
//
//   #include "slotbox/guest.h"
//   SLOTBOX_IMAGE("hello");
//   void image_main() { CHECK(1 + 1 == 2, "arithmetic"); }
#pragma once

#include "slotbox/abi.h"

namespace slotbox::guest {

extern const char* const kImageName;

#define SLOTBOX_IMAGE_HEADER(name, expected_end, status, limit_ms, flags)                 \
  extern "C" __attribute__((section(".slotbox_header"), used))                            \
  const ::slotbox::abi::ImageHeader slotbox_image_header = {                              \
      {'S', 'L', 'O', 'T', 'B', 'O', 'X', '\0'}, ::slotbox::abi::kImageAbiVersion,        \
      (expected_end), (status), (limit_ms), (flags), 0};                                  \
  const char* const ::slotbox::guest::kImageName = (name)

// An image whose checks all pass and which exits with status 0.
#define SLOTBOX_IMAGE(name) \
  SLOTBOX_IMAGE_HEADER(name, ::slotbox::abi::ExpectedEnd::kGuestExit, ::slotbox::abi::kStatusPass, 0, 0)

// The same, for an image whose checks measure time: run with no other image beside it.
#define SLOTBOX_TIMING_IMAGE(name)                                                                      \
  SLOTBOX_IMAGE_HEADER(name, ::slotbox::abi::ExpectedEnd::kGuestExit, ::slotbox::abi::kStatusPass, 0, \
                       ::slotbox::abi::kImageRunsAlone)

// A negative image: its run must end as declared (a timeout, a triple fault, ...) within
// limit_ms, and then counts as one passed check.
#define SLOTBOX_NEGATIVE_IMAGE(name, expected_end, limit_ms) \
  SLOTBOX_IMAGE_HEADER(name, ::slotbox::abi::ExpectedEnd::expected_end, 0, limit_ms, 0)

// An image that must end in the runtime's crash report for exception `vector` (its
// "Bail out!" line and exit status kStatusCrash + vector), which counts as one passed check.
#define SLOTBOX_CRASH_IMAGE(name, vector) \
  SLOTBOX_IMAGE_HEADER(name, ::slotbox::abi::ExpectedEnd::kCrash, (vector), 0, 0)

} // namespace slotbox::guest

void image_main();
