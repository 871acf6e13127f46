// Multiboot v1 kernels (the Multiboot Specification 0.6.96): an ELF32 file with the
// multiboot header in its first 8 KiB, loaded segment by segment at physical addresses,
// entered in 32-bit protected mode with EAX = 0x2BADB002 and EBX = the info block. This is
// how kvm-unit-tests' x86 kernels (*.flat) boot under `qemu -kernel`. Pure C++: what to
// write where is planned here, the machine copies it into guest RAM.
#pragma once

#include "host/base/error.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace slotbox::loader {

// Multiboot Specification §3.1.1 (header) and §3.2 (machine state).
inline constexpr uint32_t kMultibootHeaderMagic = 0x1BADB002;
inline constexpr uint32_t kMultibootBootMagic = 0x2BADB002;  // EAX at entry
inline constexpr uint64_t kMultibootSearchLimit = 8192;
// Input caps (README "Bad input"): a kernel and a module each fit easily below 3 GiB of low
// RAM, and kvm-unit-tests' kernels are well under 1 MiB.
inline constexpr uint64_t kMaxKernelSize = 64ull << 20;
inline constexpr uint64_t kMaxModuleSize = 64ull << 20;

// Multiboot Specification §3.3: which info-block fields are valid.
enum MultibootInfoFlag : uint32_t {
  kInfoMemory = 1u << 0,      // mem_lower, mem_upper
  kInfoBootDevice = 1u << 1,
  kInfoCmdline = 1u << 2,
  kInfoModules = 1u << 3,
  kInfoMemoryMap = 1u << 6,
};

// Field offsets in the info block (§3.3).
struct MultibootInfoOffsets {
  static constexpr uint32_t kFlags = 0, kMemLower = 4, kMemUpper = 8, kBootDevice = 12, kCmdline = 16,
                            kModsCount = 20, kModsAddr = 24, kMmapLength = 44, kMmapAddr = 48;
  static constexpr uint32_t kSize = 88;
};

inline constexpr uint32_t kMemoryAvailable = 1, kMemoryReserved = 2;  // memory-map entry types

struct LoadSegment {
  uint32_t index;      // program header number, for messages
  uint64_t address;    // p_paddr
  uint64_t file_size;  // bytes copied from the file; the rest up to memory_size is zeroed
  uint64_t memory_size;
  uint64_t file_offset;
};

class MultibootKernel {
public:
  // True when a valid-looking multiboot header magic sits in the first 8 KiB: the file
  // is meant to be a kernel (a ROM stays a ROM). parse() checks the rest.
  static bool has_header(std::span<const uint8_t> bytes);
  static Result<MultibootKernel> from_bytes(std::string name, std::vector<uint8_t> bytes);
  static Result<MultibootKernel> from_file(const std::string& path);

  const std::string& name() const { return m_name; }
  std::span<const uint8_t> bytes() const { return m_bytes; }
  uint32_t entry() const { return m_entry; }
  const std::vector<LoadSegment>& segments() const { return m_segments; }
  uint64_t end() const;  // first byte after the highest segment

private:
  std::string m_name;
  std::vector<uint8_t> m_bytes;
  uint32_t m_entry = 0;
  std::vector<LoadSegment> m_segments;
};

// Where guest RAM is (PcLayout): [0, 640 KiB) and [1 MiB, low) below 4 GiB, high above.
struct MultibootMemory {
  uint64_t low_ram;
  uint64_t high_ram;
};

struct MultibootModule {
  std::string name;            // its string: the file name
  std::vector<uint8_t> bytes;
};

struct MultibootOptions {
  std::string append;                    // --append: after the kernel's name on its command line
  std::vector<MultibootModule> modules;  // --initrd is module 0
};

// One piece of guest memory to write: `bytes`, then `zero_size` zeros after them (a
// segment's p_memsz past its p_filesz). The zeros are a length, not a buffer: a kernel may
// declare nearly 3 GiB of them, and the host holds only what the file gave.
struct GuestWrite {
  uint64_t address;
  std::vector<uint8_t> bytes;
  uint64_t zero_size = 0;
  uint64_t size() const { return bytes.size() + zero_size; }
};

struct MultibootBoot {
  std::vector<GuestWrite> writes;  // the segments (with their zeros), the info block and what it points at
  uint32_t entry;                  // EIP
  uint32_t info_address;           // EBX
};

// Refuses segments outside RAM (in the 640 KiB - 1 MiB hole, at or above low RAM's end)
// and an info block or modules that do not fit below low RAM's end.
Result<MultibootBoot> plan_multiboot(const MultibootKernel& kernel, const MultibootMemory& memory,
                                     const MultibootOptions& options);

} // namespace slotbox::loader
