// slotbox finds its images beside itself: build/images/ next to build/slotbox, or
// PREFIX/share/slotbox/images/ for PREFIX/bin/slotbox after `cmake --install`. No path is
// compiled in, so a build tree or an installed prefix still works when moved whole.
#include "host/loader/named_images.h"

#include <filesystem>
#include <system_error>

namespace slotbox::loader {

Result<std::string> image_folder() {
  std::error_code error;
  std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return fail(Error::from_errno("readlink", "/proc/self/exe", error.value()));
  std::filesystem::path beside = binary.parent_path() / "images";
  std::filesystem::path installed = binary.parent_path().parent_path() / "share" / "slotbox" / "images";
  for (const auto& folder : {beside, installed})
    if (std::filesystem::is_regular_file(folder / "index", error)) return folder.string();
  return fail(Error::bad_input("images", "no image index in " + beside.string() + " or " + installed.string() +
                                             " (build the images, or cmake --install them)"));
}

} // namespace slotbox::loader
