#include "host/cli/image_source.h"

#include "host/loader/embedded_images.h"

#include <sys/stat.h>

namespace slotbox::cli {
namespace {

Result<loader::RomImage> resolve_image(const std::string& name) {
  if (const auto* embedded = loader::find_embedded_image(name))
    return loader::RomImage::from_bytes(std::string(embedded->name), embedded->bytes);
  struct stat info{};
  bool looks_like_path = name.find('/') != std::string::npos || name.find('.') != std::string::npos;
  if (::stat(name.c_str(), &info) != 0 && !looks_like_path)
    return fail(Error::bad_input("image " + name,
                                 "no embedded image or file of that name (see 'slotbox list')"));
  return loader::RomImage::from_file(name);
}

} // namespace

Result<std::vector<loader::RomImage>> resolve_images(const std::vector<std::string>& names) {
  std::vector<loader::RomImage> images;
  if (names.empty()) {
    for (const auto& embedded : loader::embedded_images())
      images.push_back(SLOTBOX_TRY(
          loader::RomImage::from_bytes(std::string(embedded.name), embedded.bytes)));
    return images;
  }
  for (const auto& name : names) images.push_back(SLOTBOX_TRY(resolve_image(name)));
  return images;
}

} // namespace slotbox::cli
