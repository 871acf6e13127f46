// `slotbox run FILE` on a ROM or an image's ELF: RomImage::from_file_contents. The first
// input byte picks the shape: 0 hands the rest over as it is; otherwise the rest is padded
// with zeros to the next 64 KiB, so small inputs reach the image-header checks. An
// accepted image is 64 KiB to 16 MiB in whole 64 KiB units and declares an end the
// verdict knows (a crash only on vectors 0-31); a ROM is taken byte for byte, and a plain
// ROM of a valid size without slotbox's header must be accepted; an ELF's ROM runs from
// its lowest in-window segment to 4 GiB and holds each segment's bytes where it says.
#include "fuzz_check.h"
#include "host/loader/elf_rom.h"
#include "host/loader/rom_image.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <vector>

using namespace slotbox;
using loader::RomImage;

namespace {

constexpr uint64_t kFourGiB = 1ull << 32;

bool has_image_magic(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof abi::kImageMagic && std::memcmp(bytes.data(), abi::kImageMagic, sizeof abi::kImageMagic) == 0;
}

// The ELF's in-window PT_LOAD segments, as elf_rom.cpp picks them; only called once it
// accepted the file, so the headers are in bounds.
std::vector<Elf64_Phdr> rom_segments(std::span<const uint8_t> bytes) {
  Elf64_Ehdr header;
  std::memcpy(&header, bytes.data(), sizeof header);
  std::vector<Elf64_Phdr> segments;
  for (uint16_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, bytes.data() + header.e_phoff + i * sizeof segment, sizeof segment);
    if (segment.p_type == PT_LOAD && segment.p_filesz > 0 && segment.p_paddr >= kFourGiB - RomImage::kMaxSize &&
        segment.p_paddr < kFourGiB)
      segments.push_back(segment);
  }
  return segments;
}

void check_elf_rom(std::span<const uint8_t> file, std::span<const uint8_t> rom) {
  std::vector<Elf64_Phdr> segments = rom_segments(file);
  FUZZ_CHECK(!segments.empty(), "an ELF without ROM segments was accepted");
  uint64_t base = kFourGiB;
  for (const auto& segment : segments) base = std::min<uint64_t>(base, segment.p_paddr);
  FUZZ_CHECK(rom.size() == kFourGiB - base, "ROM of %zu bytes for a lowest segment at 0x%llx", rom.size(),
             (unsigned long long)base);
  // The last segment is copied last: its bytes are there exactly.
  const Elf64_Phdr& last = segments.back();
  FUZZ_CHECK(std::equal(file.begin() + last.p_offset, file.begin() + last.p_offset + last.p_filesz,
                        rom.begin() + (last.p_paddr - base)),
             "the ROM does not hold the last segment's bytes at 0x%llx", (unsigned long long)last.p_paddr);
  // Bytes no segment covers are zero.
  std::vector<bool> covered(rom.size());
  for (const auto& segment : segments)
    std::fill_n(covered.begin() + (segment.p_paddr - base), segment.p_filesz, true);
  for (size_t i = 0; i < rom.size(); ++i)
    FUZZ_CHECK(covered[i] || rom[i] == 0, "ROM byte 0x%zx is 0x%x, outside every segment", i, rom[i]);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<uint8_t> file(data + 1, data + size);
  if (data[0] != 0) file.resize((file.size() / RomImage::kSizeUnit + 1) * RomImage::kSizeUnit, 0);
  bool elf = loader::is_elf(file);

  auto image = RomImage::from_file_contents("fuzz.rom", file);
  if (!image) {
    FUZZ_CHECK(image.error().kind == ErrorKind::kBadInput && image.error().what == "image fuzz.rom",
               "refusal that is not bad input naming the image: %s", image.error().message().c_str());
    bool plain_rom = !elf && !file.empty() && file.size() % RomImage::kSizeUnit == 0 &&
                     file.size() <= RomImage::kMaxSize && !has_image_magic(file);
    FUZZ_CHECK(!plain_rom, "a plain %zu-byte ROM was refused: %s", file.size(), image.error().message().c_str());
    return 0;
  }
  std::span<const uint8_t> rom = image->bytes();
  FUZZ_CHECK(!rom.empty() && rom.size() % RomImage::kSizeUnit == 0 && rom.size() <= RomImage::kMaxSize,
             "accepted a ROM of %zu bytes", rom.size());
  const loader::Expectation& expectation = image->expectation();
  FUZZ_CHECK(expectation.end <= abi::ExpectedEnd::kCrash, "unknown expected end %u", unsigned(expectation.end));
  if (expectation.end == abi::ExpectedEnd::kCrash)
    FUZZ_CHECK(expectation.status < abi::kExceptionVectors, "a crash expected on vector %u", expectation.status);
  if (!has_image_magic(rom)) {
    FUZZ_CHECK(expectation.end == abi::ExpectedEnd::kGuestExit && expectation.status == abi::kStatusPass &&
                   expectation.limit_ms == 0 && !expectation.runs_alone,
               "a ROM without a header declares something");
  }
  if (elf) check_elf_rom(file, rom);
  else FUZZ_CHECK(std::ranges::equal(rom, file), "a ROM was not taken byte for byte");
  return 0;
}
