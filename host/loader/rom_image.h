// A BIOS ROM image: the bytes mapped just below 4 GiB, and how the image declares its
// run should end (the abi::ImageHeader at offset 0; absent in foreign ROMs).
#pragma once

#include "host/base/error.h"
#include "slotbox/abi.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace slotbox::loader {

struct Expectation {
  abi::ExpectedEnd end = abi::ExpectedEnd::kGuestExit;
  uint32_t status = abi::kStatusPass;
  uint32_t limit_ms = 0;  // 0: the --timeout applies
  bool runs_alone = false; // abi::kImageRunsAlone: no other image beside it under --jobs
};

class RomImage {
public:
  static constexpr uint64_t kSizeUnit = 64 * 1024;         // QEMU's pc requires it too
  static constexpr uint64_t kMaxSize = 16 * 1024 * 1024;   // the 16 MiB below 4 GiB
  static constexpr uint64_t kMaxElfSize = 256 * 1024 * 1024;  // an image's ELF, debug info and all

  // A ROM file, or an image's ELF (elf_rom.h): the ROM objcopy would make of it.

  static Result<RomImage> from_file(const std::string& path);
  // Both take the bytes by value: a file read whole is moved in, not copied.
  static Result<RomImage> from_bytes(std::string name, std::vector<uint8_t> bytes);
  // A file's contents: the ROM itself, or an image's ELF whose ROM-bound segments make it.
  static Result<RomImage> from_file_contents(std::string name, std::vector<uint8_t> bytes);

  const std::string& name() const { return m_name; }
  std::span<const uint8_t> bytes() const { return m_bytes; }
  const Expectation& expectation() const { return m_expectation; }

private:
  std::string m_name;
  std::vector<uint8_t> m_bytes;
  Expectation m_expectation;
};

} // namespace slotbox::loader
