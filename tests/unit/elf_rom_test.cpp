#include "host/loader/elf_rom.h"
#include "host/loader/named_images.h"
#include "host/loader/rom_image.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <elf.h>

using namespace slotbox;

TEST_CASE("an image's ELF gives the same ROM as objcopy made of it, for every image") {
  auto images = loader::named_images();
  REQUIRE(images);
  REQUIRE_FALSE(images->empty());
  for (const auto& image : *images) {
    std::string file = image.name;
    std::replace(file.begin(), file.end(), '/', '_');
    std::string path = std::string(SLOTBOX_IMAGE_DIR) + "/elf/" + file + ".elf";
    CAPTURE(path);
    auto rom = loader::RomImage::from_file(path);
    REQUIRE(rom);
    auto named = loader::named_rom(image);
    REQUIRE(named);
    CHECK(std::ranges::equal(rom->bytes(), named->bytes()));
    CHECK(rom->expectation().end == named->expectation().end);
  }
}

TEST_CASE("an ELF that holds no ROM is refused, naming why") {
  std::vector<uint8_t> bytes(sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), 0);
  Elf64_Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_machine = EM_X86_64;
  header.e_phoff = sizeof header;
  header.e_phentsize = sizeof(Elf64_Phdr);
  header.e_phnum = 1;
  Elf64_Phdr segment{};
  segment.p_type = PT_LOAD;
  segment.p_offset = 0;
  segment.p_filesz = 16;
  segment.p_paddr = 0x200000;  // RAM, not the ROM window
  auto write = [&] {
    std::memcpy(bytes.data(), &header, sizeof header);
    std::memcpy(bytes.data() + sizeof header, &segment, sizeof segment);
  };
  auto reason = [&] {
    write();
    auto rom = loader::rom_from_elf("x.elf", bytes);
    REQUIRE_FALSE(rom);
    CHECK(rom.error().kind == ErrorKind::kBadInput);
    return rom.error().message();
  };
  CHECK(reason().find("no segment loaded in the 16 MiB under 4 GiB") != std::string::npos);
  segment.p_paddr = 0xFFFF0000;
  segment.p_filesz = 0x20000;  // past 4 GiB
  CHECK(reason().find("lies outside the file") != std::string::npos);
  segment.p_filesz = 16;
  segment.p_paddr = 0xFFFF8000;  // 32 KiB under 4 GiB
  CHECK(reason().find("not a multiple of 64 KiB") != std::string::npos);
  header.e_ident[EI_CLASS] = ELFCLASS32;
  CHECK(reason().find("not a 64-bit x86 ELF") != std::string::npos);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_phnum = 200;
  CHECK(reason().find("program headers lie outside") != std::string::npos);

  header.e_phnum = 1;
  segment.p_paddr = 0xFFFF0000;
  write();
  auto rom = loader::rom_from_elf("x.elf", bytes);
  REQUIRE(rom);
  CHECK(rom->size() == 0x10000);
  CHECK(std::equal(bytes.begin(), bytes.begin() + 16, rom->begin()));
}
