#include "host/loader/named_images.h"

#include "host/loader/input_file.h"

#include <vector>

namespace slotbox::loader {
namespace {

constexpr uint64_t kMaxIndexSize = 1024 * 1024;

// The index: one image name a line, in build order; each name's ROM and ELF lie beside it.
Result<std::vector<NamedImage>> read_index() {
  std::string folder = SLOTBOX_TRY(image_folder());
  std::string index_path = folder + "/index";
  auto bytes = SLOTBOX_TRY(read_input_file("image index " + index_path, index_path, kMaxIndexSize));
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::vector<NamedImage> images;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string name(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (name.empty()) continue;
    std::string base = folder + "/" + name;
    images.push_back({name, base + ".rom", base + ".elf"});
  }
  return images;
}

// Read once: every command that names images asks again.
const Result<std::vector<NamedImage>>& index() {
  static const Result<std::vector<NamedImage>> images = read_index();
  return images;
}

} // namespace

Result<std::span<const NamedImage>> named_images() {
  const auto& images = index();
  if (!images) return fail(images.error());
  return std::span<const NamedImage>(*images);
}

Result<const NamedImage*> find_named_image(std::string_view name) {
  for (const NamedImage& image : SLOTBOX_TRY(named_images()))
    if (image.name == name) return &image;
  return nullptr;
}

Result<RomImage> named_rom(const NamedImage& image) {
  auto bytes = SLOTBOX_TRY(read_input_file("image " + image.name, image.rom_path, RomImage::kMaxSize));
  return RomImage::from_bytes(image.name, std::move(bytes));
}

} // namespace slotbox::loader
