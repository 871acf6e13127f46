#include "host/cli/kut_expected.h"

#include <doctest/doctest.h>

using slotbox::cli::expected_failure;

TEST_CASE("expected failures are per backend and per section, each with its reason") {
  auto entry = expected_failure("amd-npt", "emulator");
  REQUIRE(entry);
  CHECK(entry->reason.find("under QEMU too") != std::string_view::npos);
  CHECK_FALSE(expected_failure("pvm", "emulator"));     // another backend's list
  CHECK_FALSE(expected_failure("amd-npt", "smptest"));  // passes everywhere
  CHECK_FALSE(expected_failure("amd-npt", "emulato"));  // whole names only
  CHECK(expected_failure("amd-shadow", "emulator") == entry);  // an entry for both AMD backends
  CHECK(expected_failure("amd-shadow", "asyncpf"));
  CHECK_FALSE(expected_failure("amd-npt", "asyncpf"));         // passes there
  CHECK_FALSE(expected_failure("amd-np", "emulator"));         // whole backend keys only
  CHECK_FALSE(expected_failure("amd-npt amd-shadow", "emulator"));
}

TEST_CASE("only sections that run into their timeout are left out by --skip-slow") {
  CHECK_FALSE(expected_failure("amd-npt", "emulator")->ends_at_timeout);  // ends by itself, failing
  CHECK_FALSE(expected_failure("amd-shadow", "msr")->ends_at_timeout);    // a triple fault
  CHECK(expected_failure("amd-npt", "x2apic")->ends_at_timeout);          // too slow under TCG
  CHECK(expected_failure("amd-shadow", "realmode")->ends_at_timeout);     // waits for a tick
  CHECK(expected_failure("amd-shadow", "asyncpf")->ends_at_timeout);
}
