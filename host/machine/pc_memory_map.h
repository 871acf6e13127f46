// The guest-physical and port address spaces of QEMU's `-M pc -nodefaults`, built as a
// region tree (docs/design.md §3): RAM split around the MMIO hole by two aliases, the option-ROM
// area, the BIOS under 4 GiB and its isa-bios alias under 1 MiB. Owns the host memory
// behind them. Knows nothing about KVM, so `mtree` can show it without /dev/kvm.
#pragma once

#include "host/base/error.h"
#include "host/base/mapping.h"
#include "host/loader/map_file.h"
#include "host/machine/scratch_window.h"
#include "host/machine/pc_layout.h"
#include "host/memory/address_space.h"
#include "host/memory/region.h"

#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace slotbox::machine {

class PcMemoryMap {
public:
  // extra: regions from a --map file, placed in the system tree before anything renders.
  static Result<std::unique_ptr<PcMemoryMap>> create(uint64_t ram_size,
                                                     std::span<const uint8_t> bios,
                                                     const loader::MapFile* extra = nullptr);

  const PcLayout& layout() const { return m_layout; }
  memory::AddressSpace& memory() { return *m_memory; }
  memory::AddressSpace& io() { return *m_io; }
  memory::Region& io_root() { return *m_io_root; }
  const memory::Region& system_root() const { return *m_system; }
  memory::Region& system_root_mutable() { return *m_system; }
  memory::Region& ram_region() { return *m_ram_region; }    // pc.ram, behind both RAM aliases
  memory::Region& bios_region() { return *m_bios_region; }  // pc.bios
  // Host memory behind [gpa, gpa + size) when it is all one writable RAM range, else null:
  // where the host may read and write guest buffers named by the guest.
  // Guest RAM in transparent huge pages, as QEMU's RAM blocks are; before anything is
  // written to it. Images keep 4 KiB pages, whose first-touch faults they count.
  Result<void> use_huge_pages() { return m_ram.advise_huge_pages(); }
  uint8_t* guest_ram(uint64_t gpa, uint64_t size) const;

  // Regions live as long as the map; devices attach their port regions through this.
  memory::Region& keep(std::unique_ptr<memory::Region> region);

private:
  PcMemoryMap(const PcLayout& layout) : m_layout(layout) {}
  Result<void> allocate(std::span<const uint8_t> bios);
  void build_memory_tree();
  void create_address_spaces();
  Result<void> add_map_regions(const loader::MapFile& extra);
  Result<std::unique_ptr<memory::Region>> map_region(const loader::MapFile& file,
                                                     const loader::MapRegion& spec);
  memory::Region* find_region(const std::string& name) const;

  PcLayout m_layout;
  Mapping m_ram;
  Mapping m_bios;
  Mapping m_option_rom;
  std::vector<Mapping> m_map_memory;                           // --map RAM and ROM
  std::vector<std::unique_ptr<ScratchWindow>> m_map_windows;  // --map MMIO
  std::vector<std::unique_ptr<memory::Region>> m_regions;
  std::unordered_map<std::string, memory::Region*> m_regions_by_name;
  memory::Region* m_system = nullptr;
  memory::Region* m_io_root = nullptr;
  memory::Region* m_ram_region = nullptr;
  memory::Region* m_bios_region = nullptr;
  std::unique_ptr<memory::AddressSpace> m_memory;
  std::unique_ptr<memory::AddressSpace> m_io;
};

} // namespace slotbox::machine
