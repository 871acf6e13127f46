#include "host/cli/list_command.h"

#include "host/base/format.h"
#include "host/cli/exit_code.h"
#include "host/loader/embedded_images.h"
#include "host/loader/rom_image.h"
#include "host/machine/run_end.h"

#include <cstdio>

namespace slotbox::cli {

int list_command() {
  for (const auto& embedded : loader::embedded_images()) {
    auto image = loader::embedded_rom(embedded);
    std::string expectation = "broken image";
    if (image) {
      const auto& expected = image->expectation();
      expectation = "expects " + std::string(machine::end_kind_name(machine::end_kind_of(expected.end)));
      if (expected.limit_ms) expectation += " within " + std::to_string(expected.limit_ms) + " ms";
    }
    std::printf("%-20s %-8s %s\n", std::string(embedded.name).c_str(),
                describe_size(embedded.bytes.size()).c_str(), expectation.c_str());
  }
  return kExitPassed;
}

} // namespace slotbox::cli
