#include "host/cli/list_command.h"

#include "host/base/format.h"
#include "host/cli/exit_code.h"
#include "host/loader/named_images.h"
#include "host/loader/rom_image.h"
#include "host/machine/run_end.h"

#include <cstdio>

namespace slotbox::cli {

int list_command() {
  auto images = loader::named_images();
  if (!images) return report_error(images.error());
  for (const auto& named : *images) {
    auto image = loader::named_rom(named);
    std::string expectation;
    std::string size = "-";
    if (image) {
      const auto& expected = image->expectation();
      expectation = "expects " + std::string(machine::end_kind_name(machine::end_kind_of(expected.end)));
      if (expected.limit_ms) expectation += " within " + std::to_string(expected.limit_ms) + " ms";
      size = describe_size(image->bytes().size());
    } else {
      expectation = "broken image: " + image.error().message();
    }
    std::printf("%-20s %-8s %s\n", named.name.c_str(), size.c_str(), expectation.c_str());
  }
  return kExitPassed;
}

} // namespace slotbox::cli
