// Command-line pieces that need no KVM: sizes and TAP tallies.
#include "host/base/format.h"
#include "host/cli/size_option.h"
#include "host/cli/check_result.h"

#include <doctest/doctest.h>

using namespace slotbox::cli;

TEST_CASE("sizes parse like QEMU's -m, with units") {
  CHECK(*parse_size("--ram", "512") == 512ull << 20);
  CHECK(*parse_size("--ram", "512M") == 512ull << 20);
  CHECK(*parse_size("--ram", "4G") == 4ull << 30);
  CHECK(*parse_size("--ram", "6GiB") == 6ull << 30);
  CHECK(*parse_size("--ram", "65536k") == 64ull << 20);
  CHECK(*parse_size("--ram", "1T") == 1ull << 40);
}

TEST_CASE("bad sizes name the option and the reason") {
  SUBCASE("unknown unit") {
    auto size = parse_size("--ram", "12Q");
    REQUIRE(!size);
    CHECK(size.error().message() == "--ram 12Q: unknown unit 'Q' (use K, M, G or T)");
  }
  SUBCASE("not a number") { CHECK(!parse_size("--ram", "lots")); }
  SUBCASE("empty") { CHECK(!parse_size("--ram", "")); }
  SUBCASE("overflow") { CHECK(!parse_size("--ram", "99999999999T")); }
  SUBCASE("trailing junk") { CHECK(!parse_size("--ram", "4Gx")); }
}

TEST_CASE("sizes are described in the largest exact unit") {
  CHECK(slotbox::describe_size(4ull << 30) == "4 GiB");
  CHECK(slotbox::describe_size(512ull << 20) == "512 MiB");
  CHECK(slotbox::describe_size(70000) == "70000 bytes");
  CHECK(slotbox::describe_size(0) == "0 bytes");
}

TEST_CASE("TAP check lines parse into outcome, name and detail") {
  auto passed = parse_check_line("ok 1 - long mode");
  REQUIRE(passed);
  CHECK(passed->outcome == Outcome::kPass);
  CHECK(passed->name == "long mode");
  auto failed = parse_check_line("not ok 2 - cmos # layout.cpp:12 expected 640");
  REQUIRE(failed);
  CHECK(failed->outcome == Outcome::kFail);
  CHECK(failed->name == "cmos");
  CHECK(failed->detail == "layout.cpp:12 expected 640");
  auto skipped = parse_check_line("ok 3 - high RAM # SKIP no RAM above 4 GiB");
  REQUIRE(skipped);
  CHECK(skipped->outcome == Outcome::kSkip);
  CHECK(skipped->detail == "no RAM above 4 GiB");
  for (const char* other : {"# hello: 1 passed, 1 failed, 1 skipped", "1..3", "okay then", "ok x - no number"})
    CHECK_FALSE(parse_check_line(other));
}
