#include "host/cli/kut_expected.h"

#include <doctest/doctest.h>

using slotbox::cli::expected_failure;

TEST_CASE("expected failures are per backend and per section, each with its reason") {
  auto reason = expected_failure("amd-npt", "emulator");
  REQUIRE(reason);
  CHECK(reason->find("under QEMU too") != std::string_view::npos);
  CHECK_FALSE(expected_failure("pvm", "emulator"));     // another backend's list
  CHECK_FALSE(expected_failure("amd-npt", "smptest"));  // passes everywhere
  CHECK_FALSE(expected_failure("amd-npt", "emulato"));  // whole names only
  CHECK(expected_failure("amd-shadow", "emulator") == reason);  // an entry for both AMD backends
  CHECK(expected_failure("amd-shadow", "asyncpf"));
  CHECK_FALSE(expected_failure("amd-npt", "asyncpf"));         // passes there
  CHECK_FALSE(expected_failure("amd-np", "emulator"));         // whole backend keys only
  CHECK_FALSE(expected_failure("amd-npt amd-shadow", "emulator"));
}
