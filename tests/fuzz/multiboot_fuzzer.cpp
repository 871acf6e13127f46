// `slotbox run --kernel FILE`: a multiboot v1 kernel parsed (MultibootKernel::from_bytes)
// and its boot planned for a 16 MiB guest (plan_multiboot). An accepted kernel has a
// header, one or more non-empty, non-overlapping segments below 4 GiB whose file bytes lie
// inside the file; a plan writes only guest RAM (below 640 KiB, or from 1 MiB to the end
// of low RAM), writes nothing twice, holds each segment's file bytes and only the length of
// the zeros after them, and points EBX at an info block whose command line and modules lie
// in what it wrote.
#include "fuzz_check.h"
#include "host/loader/multiboot.h"

#include <algorithm>
#include <cstring>
#include <vector>

using namespace slotbox;
using namespace slotbox::loader;

namespace {

constexpr MultibootMemory kMemory{16ull << 20, 0};
constexpr uint64_t kConventionalEnd = 0xA0000, kExtendedStart = 0x100000;

uint32_t read32(std::span<const uint8_t> bytes, uint64_t offset) {
  uint32_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

void check_kernel(const MultibootKernel& kernel) {
  FUZZ_CHECK(MultibootKernel::has_header(kernel.bytes()), "accepted without a multiboot header");
  const auto& segments = kernel.segments();
  FUZZ_CHECK(!segments.empty(), "accepted without segments");
  for (size_t i = 0; i < segments.size(); ++i) {
    const LoadSegment& segment = segments[i];
    FUZZ_CHECK(segment.memory_size > 0 && segment.file_size <= segment.memory_size,
               "segment %u: file size 0x%llx, memory size 0x%llx", segment.index,
               (unsigned long long)segment.file_size, (unsigned long long)segment.memory_size);
    FUZZ_CHECK(segment.file_offset + segment.file_size <= kernel.bytes().size(), "segment %u: past the file", segment.index);
    FUZZ_CHECK(segment.address + segment.memory_size <= (1ull << 32), "segment %u: above 4 GiB", segment.index);
    for (size_t j = 0; j < i; ++j)
      FUZZ_CHECK(segment.address + segment.memory_size <= segments[j].address ||
                     segments[j].address + segments[j].memory_size <= segment.address,
                 "segments %u and %u overlap", segments[j].index, segment.index);
  }
}

void check_plan(const MultibootKernel& kernel, const MultibootOptions& options, const MultibootBoot& boot) {
  FUZZ_CHECK(boot.entry == kernel.entry(), "entry 0x%x, the ELF says 0x%x", boot.entry, kernel.entry());
  FUZZ_CHECK(boot.writes.size() == kernel.segments().size() + options.modules.size() + 1, "%zu writes",
             boot.writes.size());
  std::vector<std::pair<uint64_t, uint64_t>> written;  // [start, end)
  for (const GuestWrite& write : boot.writes) {
    uint64_t end = write.address + write.size();
    FUZZ_CHECK(end <= kConventionalEnd || (write.address >= kExtendedStart && end <= kMemory.low_ram),
               "a write of 0x%llx bytes at 0x%llx is not in guest RAM", (unsigned long long)write.size(),
               (unsigned long long)write.address);
    for (const auto& [start, stop] : written)
      FUZZ_CHECK(end <= start || stop <= write.address, "two writes overlap at 0x%llx", (unsigned long long)write.address);
    if (write.size()) written.emplace_back(write.address, end);
  }
  for (size_t i = 0; i < kernel.segments().size(); ++i) {
    const LoadSegment& segment = kernel.segments()[i];
    const GuestWrite& write = boot.writes[i];
    auto file = kernel.bytes().subspan(segment.file_offset, segment.file_size);
    // Only the file's bytes are held: the zeros a header declares are a length.
    FUZZ_CHECK(write.address == segment.address && std::ranges::equal(file, write.bytes) &&
                   write.size() == segment.memory_size,
               "segment %u is not its file bytes then zeros", segment.index);
  }
  const GuestWrite& info = boot.writes.back();
  FUZZ_CHECK(info.address == boot.info_address && info.bytes.size() >= MultibootInfoOffsets::kSize,
             "the info block is not the last write at EBX");
  uint64_t cmdline = read32(info.bytes, MultibootInfoOffsets::kCmdline);
  FUZZ_CHECK(cmdline >= info.address && cmdline < info.address + info.bytes.size(), "the command line is outside the block");
  const char* text = reinterpret_cast<const char*>(info.bytes.data() + (cmdline - info.address));
  FUZZ_CHECK(std::string(text, strnlen(text, info.bytes.size() - (cmdline - info.address))) ==
                 kernel.name() + " " + options.append,
             "the command line is not the kernel's name and --append");
  FUZZ_CHECK(read32(info.bytes, MultibootInfoOffsets::kModsCount) == options.modules.size(), "module count");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto kernel = MultibootKernel::from_bytes("fuzz.flat", std::vector<uint8_t>(data, data + size));
  if (!kernel) {
    FUZZ_CHECK(kernel.error().kind == ErrorKind::kBadInput, "%s", kernel.error().message().c_str());
    return 0;
  }
  check_kernel(*kernel);
  MultibootOptions options{"fuzz=1", {{"env.txt", std::vector<uint8_t>(5000, 'x')}}};
  auto boot = plan_multiboot(*kernel, kMemory, options);
  if (!boot) {
    FUZZ_CHECK(boot.error().kind == ErrorKind::kBadInput, "%s", boot.error().message().c_str());
    return 0;
  }
  check_plan(*kernel, options, *boot);
  return 0;
}
