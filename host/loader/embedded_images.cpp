#include "host/loader/embedded_images.h"

#include <array>

#include "embedded_image_table.inc"  // generated: kEmbeddedImages[]

namespace slotbox::loader {

std::span<const EmbeddedImage> embedded_images() { return kEmbeddedImages; }

const EmbeddedImage* find_embedded_image(std::string_view name) {
  for (const EmbeddedImage& image : kEmbeddedImages)
    if (image.name == name) return &image;
  return nullptr;
}

Result<RomImage> embedded_rom(const EmbeddedImage& image) {
  return RomImage::from_bytes(std::string(image.name), image.bytes);
}

} // namespace slotbox::loader
