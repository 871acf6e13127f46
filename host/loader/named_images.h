// The images built with slotbox, by name ("hello", "faults/spin"): the ROMs and ELFs in an
// images folder, listed in build order by the index CMake writes there
// (host/loader/CMakeLists.txt). slotbox reads them on use instead of linking them in, so
// changing one image rebuilds that image alone.
#pragma once

#include "host/base/error.h"
#include "host/loader/rom_image.h"

#include <span>
#include <string>
#include <string_view>

namespace slotbox::loader {

struct NamedImage {
  std::string name;      // "hello", "faults/spin"
  std::string rom_path;  // FOLDER/NAME.rom
  std::string elf_path;  // FOLDER/NAME.elf, with debug info, for crash reports
};

// The folder holding the index, the ROMs and the ELFs. Each binary links one way of finding
// it: image_folder_beside_binary.cpp (slotbox) or image_folder_build_tree.cpp (unit tests).
Result<std::string> image_folder();

// In build order (images/CMakeLists.txt); an error when the folder or its index is missing.
Result<std::span<const NamedImage>> named_images();
// nullptr when no image has that name.
Result<const NamedImage*> find_named_image(std::string_view name);
// The image's ROM, read from its file and named as the image.
Result<RomImage> named_rom(const NamedImage& image);

} // namespace slotbox::loader
