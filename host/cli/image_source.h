// Turns the images named on the command line into ROMs: an embedded image's name, or
// the path of a ROM file. All are resolved before anything runs.
#pragma once

#include "host/base/error.h"
#include "host/loader/rom_image.h"

#include <string>
#include <vector>

namespace slotbox::cli {

// No names: every embedded image, in build order.
Result<std::vector<loader::RomImage>> resolve_images(const std::vector<std::string>& names);

} // namespace slotbox::cli
