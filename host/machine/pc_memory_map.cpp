#include "host/machine/pc_memory_map.h"

#include <algorithm>
#include <cstring>

namespace slotbox::machine {
namespace {

// The system root spans the physical-address width slotbox uses (enough for 64 GiB of
// RAM above 4 GiB); QEMU's is UINT64_MAX, which our Range arithmetic avoids.
constexpr uint64_t kSystemSize = 1ull << 48;
constexpr uint64_t kPortSpaceSize = 1ull << 16;
// The option-ROM area and isa-bios sit over low RAM, as in QEMU (priority 1).
constexpr int kOverRamPriority = 1;
// QEMU answers reads where nothing is mapped: all ones for ports (unassigned_io_read),
// zero for memory (unassigned_mem_read).
constexpr uint64_t kUnassignedPortRead = ~0ull;
constexpr uint64_t kUnassignedMemoryRead = 0;
constexpr uint64_t kPage = 4096;

// RAM or ROM, directly or through aliases: what ends up in a KVM slot.
bool is_memory_backed(const memory::Region& region) {
  const memory::Region* target = &region;
  while (target->kind() == memory::RegionKind::kAlias) target = target->alias_target();
  return target->kind() == memory::RegionKind::kRam || target->kind() == memory::RegionKind::kRom;
}

} // namespace

Result<std::unique_ptr<PcMemoryMap>> PcMemoryMap::create(uint64_t ram_size,
                                                         std::span<const uint8_t> bios,
                                                         const loader::MapFile* extra) {
  std::unique_ptr<PcMemoryMap> map(new PcMemoryMap(PcLayout{ram_size, bios.size()}));
  SLOTBOX_TRY_VOID(map->allocate(bios));
  map->build_memory_tree();
  if (extra) SLOTBOX_TRY_VOID(map->add_map_regions(*extra));
  map->create_address_spaces();  // last: each renders its view once, from the whole tree
  return map;
}

uint8_t* PcMemoryMap::guest_ram(uint64_t gpa, uint64_t size) const {
  const memory::FlatRange* range = m_memory->view().find(gpa);
  if (!range || range->readonly || range->region->kind() != memory::RegionKind::kRam) return nullptr;
  if (size > range->range.end() - gpa) return nullptr;
  return range->region->host() + range->offset + (gpa - range->range.start);
}

memory::Region* PcMemoryMap::find_region(const std::string& name) const {
  auto found = m_regions_by_name.find(name);
  return found == m_regions_by_name.end() ? nullptr : found->second;
}

// Overlaps are legal (QEMU's rules: priority, then order); what is checked here is what
// needs the machine: names, alias targets and bounds, and the addressable range.
Result<void> PcMemoryMap::add_map_regions(const loader::MapFile& extra) {
  for (const loader::MapRegion& spec : extra.regions) {
    auto bad = [&](const std::string& reason) {
      return fail(Error::bad_input("map " + extra.path, spec.path + ": " + reason));
    };
    if (find_region(spec.name)) return bad("a region named \"" + spec.name + "\" already exists");
    if (spec.address + spec.size > kSystemSize) return bad("ends beyond the 48-bit guest-physical space");
    memory::Region& region = keep(SLOTBOX_TRY(map_region(extra, spec)));
    m_system->add_subregion(spec.address, region, spec.priority);
  }
  return {};
}

Result<std::unique_ptr<memory::Region>> PcMemoryMap::map_region(const loader::MapFile& file,
                                                                const loader::MapRegion& spec) {
  using memory::Region;
  using Type = loader::MapRegionType;
  switch (spec.type) {
  case Type::kRam:
  case Type::kRom: {
    // Only the file's bytes are written: the pages past them stay untouched zeros of the
    // MAP_NORESERVE mapping and cost no host memory, so a map's many large ROMs made of
    // small files cost what was read. RAM has no contents (and memcpy from a null pointer
    // is undefined even for 0 bytes).
    Mapping memory = SLOTBOX_TRY(Mapping::anonymous(spec.size, spec.name.c_str()));
    std::copy_n(spec.contents.begin(), std::min<uint64_t>(spec.contents.size(), spec.size), memory.data());
    uint8_t* host = memory.data();
    m_map_memory.push_back(std::move(memory));
    return spec.type == Type::kRam ? Region::ram(spec.name, spec.size, host)
                                   : Region::rom(spec.name, spec.size, host);
  }
  case Type::kMmio:
    m_map_windows.push_back(std::make_unique<ScratchWindow>());
    return Region::mmio(spec.name, spec.size, *m_map_windows.back());
  case Type::kAlias: {
    Region* target = find_region(spec.target);
    auto bad = [&](const std::string& reason) {
      return fail(Error::bad_input("map " + file.path, spec.path + ".target: " + reason));
    };
    if (!target) return bad("no region named \"" + spec.target + "\"");
    if (spec.offset > target->size() || spec.size > target->size() - spec.offset)
      return bad("the alias ends past the end of \"" + spec.target + "\"");
    // Its pages become a KVM slot whose guest and host addresses must both be page
    // aligned: KVM refuses anything else with EINVAL, long after validation.
    if (is_memory_backed(*target) && (spec.address % kPage || spec.size % kPage || spec.offset % kPage))
      return fail(Error::bad_input("map " + file.path, spec.path + ": an alias of RAM or ROM must start, end and "
                                                                   "point at 4 KiB pages"));
    return Region::alias(spec.name, *target, spec.offset, spec.size, spec.readonly);
  }
  }
  return fail(Error::bad_input("map " + file.path, spec.path + ": unknown type"));
}

memory::Region& PcMemoryMap::keep(std::unique_ptr<memory::Region> region) {
  m_regions_by_name.emplace(region->name(), region.get());
  m_regions.push_back(std::move(region));
  return *m_regions.back();
}

Result<void> PcMemoryMap::allocate(std::span<const uint8_t> bios) {
  m_ram = SLOTBOX_TRY(Mapping::anonymous(m_layout.ram_size, "guest RAM"));
  m_bios = SLOTBOX_TRY(Mapping::anonymous(bios.size(), "BIOS ROM"));
  std::memcpy(m_bios.data(), bios.data(), bios.size());
  m_option_rom = SLOTBOX_TRY(Mapping::anonymous(PcLayout::kOptionRomSize, "option ROM"));
  return {};
}

void PcMemoryMap::build_memory_tree() {
  using memory::Region;
  const PcLayout& l = m_layout;
  m_system = &keep(Region::container("system", kSystemSize));
  Region& ram = keep(Region::ram("pc.ram", l.ram_size, m_ram.data()));
  Region& bios = keep(Region::rom("pc.bios", l.bios_size, m_bios.data()));
  m_ram_region = &ram;
  m_bios_region = &bios;
  Region& option_rom = keep(Region::rom("pc.rom", PcLayout::kOptionRomSize, m_option_rom.data()));

  m_system->add_subregion(0, keep(Region::alias("ram-below-4g", ram, 0, l.low_ram())));
  if (l.high_ram() > 0)
    m_system->add_subregion(PcLayout::kFourGiB,
                            keep(Region::alias("ram-above-4g", ram, l.low_ram(), l.high_ram())));
  m_system->add_subregion(PcLayout::kOptionRomBase, option_rom, kOverRamPriority);
  m_system->add_subregion(l.isa_bios_base(),
                          keep(Region::alias("isa-bios", bios, l.isa_bios_offset(),
                                             l.isa_bios_size(), /*readonly=*/true)),
                          kOverRamPriority);
  m_system->add_subregion(l.bios_base(), bios);

  m_io_root = &keep(Region::container("io", kPortSpaceSize));
}

void PcMemoryMap::create_address_spaces() {
  m_memory = std::make_unique<memory::AddressSpace>("memory", *m_system, kUnassignedMemoryRead);
  m_io = std::make_unique<memory::AddressSpace>("I/O", *m_io_root, kUnassignedPortRead);
}

} // namespace slotbox::machine
