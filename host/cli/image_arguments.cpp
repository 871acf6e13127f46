#include "host/cli/image_arguments.h"

#include <fnmatch.h>

namespace slotbox::cli {

Result<ImageArgument> parse_image_argument(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return fail(Error::bad_input("--arg " + text, "expected IMAGE:ARGUMENT, e.g. touch:--window=1G"));
  ImageArgument argument{text.substr(0, colon), {}};
  std::string word = text.substr(colon + 1);
  size_t equals = word.find('=');
  if (word.starts_with("-") && equals != std::string::npos) {
    argument.words = {word.substr(0, equals), word.substr(equals + 1)};
  } else {
    argument.words = {word};
  }
  return argument;
}

std::vector<std::string> arguments_for(const std::string& name, const std::vector<std::string>& common,
                                       const std::vector<ImageArgument>& per_image) {
  std::vector<std::string> arguments = common;
  for (const ImageArgument& argument : per_image)
    if (fnmatch(argument.pattern.c_str(), name.c_str(), 0) == 0)
      arguments.insert(arguments.end(), argument.words.begin(), argument.words.end());
  return arguments;
}

} // namespace slotbox::cli
