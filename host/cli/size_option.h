// Sizes on the command line: "512M", "4G", "6GiB", "65536K"; a bare number is MiB, as
// with QEMU's -m.
#pragma once

#include "host/base/error.h"

#include <cstdint>
#include <string>

namespace slotbox::cli {

Result<uint64_t> parse_size(const std::string& option, const std::string& text);

} // namespace slotbox::cli
