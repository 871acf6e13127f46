#include "host/memory/region.h"

#include <algorithm>

namespace slotbox::memory {

std::unique_ptr<Region> Region::container(std::string name, uint64_t size) {
  return std::unique_ptr<Region>(new Region(std::move(name), RegionKind::kContainer, size));
}

std::unique_ptr<Region> Region::ram(std::string name, uint64_t size, uint8_t* host) {
  std::unique_ptr<Region> region(new Region(std::move(name), RegionKind::kRam, size));
  region->m_host = host;
  return region;
}

std::unique_ptr<Region> Region::rom(std::string name, uint64_t size, uint8_t* host) {
  std::unique_ptr<Region> region(new Region(std::move(name), RegionKind::kRom, size));
  region->m_host = host;
  region->m_readonly = true;
  return region;
}

std::unique_ptr<Region> Region::alias(std::string name, Region& target, uint64_t offset,
                                      uint64_t size, bool readonly) {
  std::unique_ptr<Region> region(new Region(std::move(name), RegionKind::kAlias, size));
  region->m_alias_target = &target;
  region->m_alias_offset = offset;
  region->m_readonly = readonly;
  return region;
}

std::unique_ptr<Region> Region::mmio(std::string name, uint64_t size, MmioHandler& handler) {
  std::unique_ptr<Region> region(new Region(std::move(name), RegionKind::kMmio, size));
  region->m_handler = &handler;
  return region;
}

// QEMU's memory_region_update_container_subregions(): a new subregion goes before the
// first sibling of lower or equal priority, so among equals the later-added comes first.
// m_subregions is in the reverse order, so the search starts at its end.
void Region::add_subregion(uint64_t address, Region& child, int priority) {
  child.m_address = address;
  child.m_priority = priority;
  auto position = std::find_if(m_subregions.rbegin(), m_subregions.rend(),
                               [&](const Region* other) { return other->m_priority <= priority; });
  m_subregions.insert(position.base(), &child);
}

void Region::remove_subregion(Region& child) {
  std::erase(m_subregions, &child);
}

void Region::set_enabled(bool enabled) { m_enabled = enabled; }
void Region::set_address(uint64_t address) { m_address = address; }
bool Region::set_size(uint64_t size) {
  bool backed = m_kind == RegionKind::kRam || m_kind == RegionKind::kRom;
  if (size == 0 || (backed && size > m_max_size)) return false;
  m_size = size;
  return true;
}

void Region::set_rom_writable(bool writable) { m_rom_writable = writable; }
void Region::set_dirty_logging(bool on) { m_dirty_logging = on; }
bool Region::dirty_logging() const { return m_dirty_logging; }

const std::string& Region::name() const { return m_name; }
uint64_t Region::size() const { return m_size; }
uint64_t Region::address() const { return m_address; }
int Region::priority() const { return m_priority; }
bool Region::enabled() const { return m_enabled; }
bool Region::readonly() const {
  return m_kind == RegionKind::kRom ? !m_rom_writable : m_readonly;
}
Region* Region::alias_target() const { return m_alias_target; }
uint64_t Region::alias_offset() const { return m_alias_offset; }

} // namespace slotbox::memory
