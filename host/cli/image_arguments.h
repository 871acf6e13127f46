// Arguments for some images only: `--arg touch:--window=1G` gives the touch image
// `--window 1G`, besides whatever follows `--` (which every image gets).
#pragma once

#include "host/base/error.h"

#include <string>
#include <vector>

namespace slotbox::cli {

struct ImageArgument {
  std::string pattern;             // an image name or a glob: "touch", "faults/*"
  std::vector<std::string> words;  // "--window=1G" becomes "--window", "1G", as the guest reads flag and value
};

// "IMAGE:ARGUMENT"; anything else is bad input naming the --arg.
Result<ImageArgument> parse_image_argument(const std::string& text);
// What image `name` gets: the common arguments, then those of every --arg that names it.
std::vector<std::string> arguments_for(const std::string& name, const std::vector<std::string>& common,
                                       const std::vector<ImageArgument>& per_image);

} // namespace slotbox::cli
