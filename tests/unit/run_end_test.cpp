#include "host/loader/rom_image.h"
#include "host/machine/run_end.h"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

using namespace slotbox;
using machine::EndKind;

TEST_CASE("an exit-port status in the crash range is the runtime's crash report") {
  SUBCASE("a crash names the exception") {
    auto end = machine::guest_exit_end(abi::kStatusCrash + 14);
    CHECK(end.kind == EndKind::kGuestCrash);
    CHECK(end.status == 0x4E);
    CHECK(end.detail == "unexpected exception #PF (vector 14)");
  }
  SUBCASE("the range ends at vector 31") {
    CHECK(machine::guest_exit_end(abi::kStatusCrash + 31).kind == EndKind::kGuestCrash);
    CHECK(machine::guest_exit_end(abi::kStatusCrash + 32).kind == EndKind::kGuestExit);
    CHECK(machine::guest_exit_end(abi::kStatusCrash - 1).kind == EndKind::kGuestExit);
  }
  SUBCASE("pass and fail are ordinary exits") {
    CHECK(machine::guest_exit_end(abi::kStatusPass).kind == EndKind::kGuestExit);
    CHECK(machine::guest_exit_end(abi::kStatusFail).detail == "status 1");
  }
}

namespace {

std::vector<uint8_t> rom_with_header(abi::ExpectedEnd end, uint32_t status) {
  std::vector<uint8_t> rom(loader::RomImage::kSizeUnit);
  abi::ImageHeader header{};
  std::memcpy(header.magic, abi::kImageMagic, sizeof header.magic);
  header.abi_version = abi::kImageAbiVersion;
  header.expected_end = end;
  header.expected_status = status;
  std::memcpy(rom.data(), &header, sizeof header);
  return rom;
}

} // namespace

TEST_CASE("a ROM header may declare a crash on one exception vector") {
  SUBCASE("vector 13 is taken") {
    auto image = loader::RomImage::from_bytes("gp.rom", rom_with_header(abi::ExpectedEnd::kCrash, 13));
    REQUIRE(image);
    CHECK(image->expectation().end == abi::ExpectedEnd::kCrash);
    CHECK(machine::end_kind_of(image->expectation().end) == EndKind::kGuestCrash);
  }
  SUBCASE("vector 32 is refused, naming the image") {
    auto image = loader::RomImage::from_bytes("bad.rom", rom_with_header(abi::ExpectedEnd::kCrash, 32));
    REQUIRE_FALSE(image);
    CHECK(image.error().message() == "image bad.rom: header expects a crash on exception vector 32, not 0-31");
  }
  SUBCASE("an unknown end is refused") {
    auto image = loader::RomImage::from_bytes("bad.rom", rom_with_header(abi::ExpectedEnd(6), 0));
    REQUIRE_FALSE(image);
  }
}
