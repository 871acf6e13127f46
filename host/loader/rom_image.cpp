#include "host/loader/rom_image.h"

#include "host/loader/input_file.h"
#include "host/loader/elf_rom.h"

#include <cstring>

namespace slotbox::loader {
namespace {

Result<Expectation> read_expectation(const std::string& name, std::span<const uint8_t> bytes) {
  abi::ImageHeader header;
  std::memcpy(&header, bytes.data(), sizeof header);
  if (std::memcmp(header.magic, abi::kImageMagic, sizeof header.magic) != 0) return Expectation{};
  if (header.abi_version != abi::kImageAbiVersion)
    return fail(Error::bad_input("image " + name, "header ABI version " +
                                                       std::to_string(header.abi_version) +
                                                       " is not " +
                                                       std::to_string(abi::kImageAbiVersion)));
  if (header.expected_end > abi::ExpectedEnd::kCrash)
    return fail(Error::bad_input("image " + name, "header declares an unknown expected end " +
                                                       std::to_string(uint32_t(header.expected_end))));
  if (header.expected_end == abi::ExpectedEnd::kCrash && header.expected_status >= abi::kExceptionVectors)
    return fail(Error::bad_input("image " + name, "header expects a crash on exception vector " +
                                                       std::to_string(header.expected_status) + ", not 0-31"));
  return Expectation{header.expected_end, header.expected_status, header.limit_ms,
                     (header.flags & abi::kImageRunsAlone) != 0};
}

} // namespace

Result<RomImage> RomImage::from_bytes(std::string name, std::vector<uint8_t> bytes) {
  if (bytes.empty() || bytes.size() % kSizeUnit != 0)
    return fail(Error::bad_input("image " + name, "size " + std::to_string(bytes.size()) +
                                                       " is not a multiple of 64 KiB"));
  if (bytes.size() > kMaxSize)
    return fail(Error::bad_input("image " + name, "size " + std::to_string(bytes.size()) +
                                                       " is larger than 16 MiB"));
  RomImage image;
  image.m_expectation = SLOTBOX_TRY(read_expectation(name, bytes));
  image.m_name = std::move(name);
  image.m_bytes = std::move(bytes);
  return image;
}

Result<RomImage> RomImage::from_file_contents(std::string name, std::vector<uint8_t> bytes) {
  if (is_elf(bytes)) return from_bytes(name, SLOTBOX_TRY(rom_from_elf(name, bytes)));
  return from_bytes(std::move(name), std::move(bytes));
}

Result<RomImage> RomImage::from_file(const std::string& path) {
  return from_file_contents(path, SLOTBOX_TRY(read_input_file("image " + path, path, kMaxElfSize)));
}

} // namespace slotbox::loader
