// The ROM images built with slotbox, linked into the binary so `slotbox` alone runs them.
#pragma once

#include "host/loader/rom_image.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace slotbox::loader {

struct EmbeddedImage {
  std::string_view name;  // "hello", "faults/spin"
  std::span<const uint8_t> bytes;
};

// In build order (images/CMakeLists.txt).
std::span<const EmbeddedImage> embedded_images();
const EmbeddedImage* find_embedded_image(std::string_view name);
// An embedded image as a ROM, named as it is embedded.
Result<RomImage> embedded_rom(const EmbeddedImage& image);

} // namespace slotbox::loader
