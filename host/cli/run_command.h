// `slotbox [run] [IMAGE|NAME ...]`: each image in a fresh VM, its checks streamed, one
// status line per image, and the summary of all checks.
#pragma once

#include "host/loader/map_file.h"

#include <chrono>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

namespace slotbox::cli {

struct RunOptions {
  uint64_t ram_size;
  std::chrono::milliseconds timeout;
  std::vector<std::string> images;
  std::optional<loader::MapFile> extra_regions;  // --map
  std::vector<std::string> image_arguments;      // after `--`, for every image
};

int run_command(const RunOptions& options);

} // namespace slotbox::cli
