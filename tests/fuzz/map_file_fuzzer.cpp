// `--map FILE`: the JSON parser (loader::parse_map_file), then the regions placed in a
// PC's memory map (PcMemoryMap::create: names, alias targets and bounds), then the flat
// view and the KVM slots it makes. A map is refused with a bad-input error or accepted;
// an accepted one must render a flat view that is sorted, non-overlapping, merged and
// answers every address as the region tree does, and must register as KVM slots that are
// page aligned (host addresses too) and do not overlap.
#include "fuzz_check.h"
#include "flat_view_checks.h"
#include "fuzz_slot_table.h"
#include "host/kvm/slot_listener.h"
#include "host/loader/map_file.h"
#include "host/machine/pc_memory_map.h"

#include <cstdint>
#include <filesystem>
#include <vector>

using namespace slotbox;

namespace {

constexpr uint64_t kRamSize = 4ull << 30;  // low RAM to 3 GiB, 1 GiB above 4 GiB
constexpr uint64_t kBiosSize = 256 * 1024;
constexpr uint64_t kPage = 4096;
// What QEMU's KVM offers is 32764 slots; a small table makes "too many slots" reachable.
constexpr uint32_t kMaxSlots = 64;

// `rom` files, without a file system: "bad*" does not exist, any other name is as many
// pages of 0xAB as its length modulo 5 (0 pages: an empty file), or 100 bytes for "odd*".
Result<std::vector<uint8_t>> read_blob(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name.starts_with("bad")) return fail(Error::bad_input(path, "no such file (fuzz)"));
  if (name.starts_with("odd")) return std::vector<uint8_t>(100, 0xAB);
  return std::vector<uint8_t>((name.size() % 5) * kPage, 0xAB);
}

void check_parsed(const loader::MapFile& map) {
  for (const loader::MapRegion& region : map.regions) {
    FUZZ_CHECK(!region.name.empty(), "%s: empty name accepted", region.path.c_str());
    FUZZ_CHECK(region.size > 0, "%s: zero size accepted", region.path.c_str());
    FUZZ_CHECK(region.address + region.size > region.address, "%s: wraps", region.path.c_str());
    bool slot_backed = region.type == loader::MapRegionType::kRam || region.type == loader::MapRegionType::kRom;
    if (slot_backed)
      FUZZ_CHECK(region.address % kPage == 0 && region.size % kPage == 0, "%s: RAM or ROM off pages accepted",
                 region.path.c_str());
    if (region.type == loader::MapRegionType::kRom)
      // The file's bytes only: the rest of the size is zeros nobody needs to hold.
      FUZZ_CHECK(region.contents.size() <= region.size && region.contents.size() <= 4 * kPage,
                 "%s: ROM contents %zu bytes for size %llu", region.path.c_str(), region.contents.size(),
                 (unsigned long long)region.size);
    else
      FUZZ_CHECK(region.contents.empty(), "%s: contents for a region that is not ROM", region.path.c_str());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<uint8_t> bios(kBiosSize, 0xF4);
  auto parsed = loader::parse_map_file("fuzz/m.json", std::span(data, size), read_blob);
  if (!parsed) {
    FUZZ_CHECK(parsed.error().kind == ErrorKind::kBadInput, "a parse error that is not bad input: %s",
               parsed.error().message().c_str());
    return 0;
  }
  check_parsed(*parsed);

  auto map = machine::PcMemoryMap::create(kRamSize, bios, &*parsed);
  if (!map) {
    // Refusals are bad input; the host's own mmap may fail for a huge map (kSystem).
    FUZZ_CHECK(map.error().kind != ErrorKind::kUnavailable, "%s", map.error().message().c_str());
    return 0;
  }
  std::vector<uint64_t> probes;
  for (const loader::MapRegion& region : parsed->regions) {
    probes.push_back(region.address);
    probes.push_back(region.address + region.size - 1);
    probes.push_back(region.address + region.size);
  }
  fuzz::check_flat_view((*map)->memory(), probes);

  fuzz::FuzzSlotTable table(kMaxSlots);
  kvm::SlotListener slots(table);
  auto registered = (*map)->memory().add_listener(slots);
  if (registered) fuzz::check_slots((*map)->memory(), table);
  (*map)->memory().remove_listener(slots);
  return 0;
}
