// hyperv-testdev without KVM: the routes it asks the machine to install, and the GSI it signals.
#include "host/machine/hyperv_testdev.h"

#include <doctest/doctest.h>

using slotbox::machine::HypervTestdev;

namespace {

uint32_t command(uint32_t control, uint32_t vp_index, uint32_t sint) { return control << 16 | vp_index << 8 | sint; }

struct Fixture {
  std::vector<std::vector<HypervTestdev::SintRoute>> installed;
  std::vector<uint32_t> signalled;
  HypervTestdev dev{[this](const auto& routes) { installed.push_back(routes); },
                    [this](uint32_t gsi) { signalled.push_back(gsi); }};
};

} // namespace

TEST_CASE("hyperv-testdev routes a GSI above the irqchip's 24 to each vCPU's SINT") {
  Fixture f;
  f.dev.write(0, 4, command(1, 0, 2));
  f.dev.write(0, 4, command(1, 1, 2));
  REQUIRE(f.installed.size() == 2);
  REQUIRE(f.installed.back().size() == 2);
  CHECK(f.installed.back()[0].gsi == 24);
  CHECK(f.installed.back()[1].gsi == 25);
  CHECK(f.installed.back()[1].vp_index == 1);
  CHECK(f.installed.back()[1].sint == 2);

  SUBCASE("set-sint raises the route's GSI") {
    f.dev.write(0, 4, command(3, 1, 2));
    CHECK(f.signalled == std::vector<uint32_t>{25});
  }
  SUBCASE("destroy removes it, and its GSI is used again") {
    f.dev.write(0, 4, command(2, 0, 2));
    CHECK(f.installed.back().size() == 1);
    f.dev.write(0, 4, command(1, 0, 3));
    CHECK(f.installed.back().back().gsi == 24);
  }
  SUBCASE("a second create of the same route, a signal of none, other widths: nothing") {
    f.dev.write(0, 4, command(1, 0, 2));
    f.dev.write(0, 4, command(3, 5, 5));
    f.dev.write(0, 2, command(3, 0, 2));
    f.dev.write(0, 4, command(4, 0, 2));  // a message connection: not implemented
    CHECK(f.installed.size() == 2);
    CHECK(f.signalled.empty());
  }
}
