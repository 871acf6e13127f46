// embedded_images() for the unit tests: the same images, in the same order, read from the
// ROM files the build made (build/images/NAME.rom) on first use instead of linked in, so
// that changing an image does not relink the tests. The slotbox executable links
// embedded_images.cpp instead.
#include "host/loader/embedded_images.h"

#include <array>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "embedded_image_files.inc"  // generated: kImageFiles[]

namespace slotbox::loader {
namespace {

struct LoadedImages {
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<EmbeddedImage> images;
};

// An unreadable file leaves the image empty: embedded_rom() then refuses it by its size.
const LoadedImages& loaded() {
  static const LoadedImages images = [] {
    LoadedImages result;
    result.bytes.reserve(kImageFiles.size());
    for (const ImageFile& file : kImageFiles) {
      std::ifstream stream{std::string(file.path), std::ios::binary};
      result.bytes.emplace_back(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
      result.images.push_back({file.name, result.bytes.back()});
    }
    return result;
  }();
  return images;
}

} // namespace

std::span<const EmbeddedImage> embedded_images() { return loaded().images; }

const EmbeddedImage* find_embedded_image(std::string_view name) {
  for (const EmbeddedImage& image : loaded().images)
    if (image.name == name) return &image;
  return nullptr;
}

Result<RomImage> embedded_rom(const EmbeddedImage& image) {
  return RomImage::from_bytes(std::string(image.name), image.bytes);
}

} // namespace slotbox::loader
