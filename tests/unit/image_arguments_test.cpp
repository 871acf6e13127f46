#include "host/cli/image_arguments.h"

#include <doctest/doctest.h>

using namespace slotbox;

TEST_CASE("--arg IMAGE:ARGUMENT: a flag=value becomes flag and value") {
  auto window = cli::parse_image_argument("touch:--window=1G");
  REQUIRE(window);
  CHECK(window->pattern == "touch");
  CHECK(window->words == std::vector<std::string>{"--window", "1G"});

  auto plain = cli::parse_image_argument("faults/*:verbose=yes");  // not a flag: one word
  REQUIRE(plain);
  CHECK(plain->pattern == "faults/*");
  CHECK(plain->words == std::vector<std::string>{"verbose=yes"});

  for (const char* bad : {"touch", ":--window=1G", "touch:"}) {
    auto refused = cli::parse_image_argument(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::kBadInput);
  }
}

TEST_CASE("each image gets the common arguments, then its own") {
  std::vector<cli::ImageArgument> per_image{*cli::parse_image_argument("touch:--window=1G"),
                                            *cli::parse_image_argument("faults/*:--x=1")};
  std::vector<std::string> common{"--common", "1"};
  CHECK(cli::arguments_for("touch", common, per_image) == std::vector<std::string>{"--common", "1", "--window", "1G"});
  CHECK(cli::arguments_for("faults/spin", common, per_image) == std::vector<std::string>{"--common", "1", "--x", "1"});
  CHECK(cli::arguments_for("hello", common, per_image) == common);
}
