#include "host/cli/image_source.h"
#include "host/loader/named_images.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

using namespace slotbox;

namespace {

// A file in /tmp that goes away with the test.
struct TempFile {
  std::string path;
  explicit TempFile(const std::vector<uint8_t>& bytes, const char* suffix) {
    path = "/tmp/slotbox-image-source-" + std::to_string(::getpid()) + suffix;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  ~TempFile() { std::remove(path.c_str()); }
};

// The smallest kernel the loader accepts: ELF32 header, one PT_LOAD, a multiboot header.
std::vector<uint8_t> tiny_kernel() {
  std::vector<uint8_t> bytes(0x200, 0);
  auto put32 = [&](size_t at, uint32_t value) { std::memcpy(&bytes[at], &value, 4); };
  auto put16 = [&](size_t at, uint16_t value) { std::memcpy(&bytes[at], &value, 2); };
  const uint8_t ident[] = {0x7F, 'E', 'L', 'F', 1, 1, 1};
  std::memcpy(bytes.data(), ident, sizeof ident);
  put32(24, 0x400000);
  put32(28, 52);
  put16(42, 32);
  put16(44, 1);
  put32(52, 1);          // PT_LOAD
  put32(52 + 4, 0x100);  // offset
  put32(52 + 12, 0x400000);
  put32(52 + 16, 0x10);
  put32(52 + 20, 0x10);
  put32(0x100, loader::kMultibootHeaderMagic);
  put32(0x108, uint32_t(0) - loader::kMultibootHeaderMagic);
  return bytes;
}

// The first named image: the BIOS a kernel runs under.
const loader::NamedImage& first_image() {
  auto images = loader::named_images();
  REQUIRE(images);
  REQUIRE_FALSE(images->empty());
  return images->front();
}

} // namespace

TEST_CASE("a file with a multiboot header runs as a kernel; a ROM stays a ROM") {
  TempFile kernel(tiny_kernel(), ".flat");
  SUBCASE("plain file name") {
    auto images = cli::resolve_images({kernel.path});
    REQUIRE(images);
    REQUIRE(images->size() == 1);
    CHECK((*images)[0].kernel != nullptr);
    CHECK((*images)[0].name() == kernel.path);
    CHECK((*images)[0].rom.name() == first_image().name);  // the BIOS that keeps QEMU's map
  }
  SUBCASE("--kernel with --initrd and --append") {
    TempFile initrd({'A', '=', '1', '\n'}, ".env");
    auto images = cli::resolve_images({}, {{kernel.path}, initrd.path, "one two"});
    REQUIRE(images);
    REQUIRE(images->size() == 1);
    const auto& options = (*images)[0].kernel_options;
    CHECK(options.append == "one two");
    REQUIRE(options.modules.size() == 1);
    CHECK(options.modules[0].name == initrd.path);
    CHECK(options.modules[0].bytes.size() == 4);
  }
  SUBCASE("a named image's ROM, even with the magic inside it, is a ROM") {
    auto named = loader::named_rom(first_image());
    REQUIRE(named);
    std::vector<uint8_t> rom(named->bytes().begin(), named->bytes().end());
    std::memcpy(&rom[0x100], &loader::kMultibootHeaderMagic, 4);
    TempFile file(rom, ".rom");
    auto images = cli::resolve_images({file.path});
    REQUIRE(images);
    CHECK((*images)[0].kernel == nullptr);
  }
  SUBCASE("--initrd without a kernel is refused") {
    auto images = cli::resolve_images({first_image().name}, {{}, kernel.path, ""});
    REQUIRE_FALSE(images);
    CHECK(images.error().kind == ErrorKind::kBadInput);
  }
}

TEST_CASE("a name with * ? or [ is a glob over the named images, in build order") {
  auto faults = cli::resolve_images({"faults/*"});
  REQUIRE(faults);
  size_t expected = 0;
  auto images = loader::named_images();
  REQUIRE(images);
  for (const auto& named : *images) expected += named.name.starts_with("faults/");
  CHECK(expected > 1);
  REQUIRE(faults->size() == expected);
  for (const auto& image : *faults) CHECK(image.name().starts_with("faults/"));

  auto one = cli::resolve_images({"hell?"});
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK(one->front().name() == "hello");

  auto none = cli::resolve_images({"no-such-*"});
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == ErrorKind::kBadInput);
  CHECK(none.error().message().find("no image matches") != std::string::npos);
}
