// A node of the guest-physical (or port) region tree, with QEMU's MemoryRegion semantics:
// containers hold subregions at an address with a signed priority; RAM and ROM are backed
// by host memory the region does not own; an alias is a window onto another region; MMIO
// regions answer accesses through a handler. See docs/design.md §2.
#pragma once

#include "host/memory/range.h"

#include <cstdint>
#include <memory>
#include <ranges>
#include <string>
#include <vector>

namespace slotbox::memory {

enum class RegionKind { kContainer, kRam, kRom, kAlias, kMmio };

// Device side of an MMIO or port region. Offsets are relative to the region start;
// size is 1, 2, 4 or 8 bytes.
class MmioHandler {
public:
  virtual ~MmioHandler() = default;
  virtual uint64_t read(uint64_t offset, unsigned size) = 0;
  virtual void write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

class Region {
public:
  static std::unique_ptr<Region> container(std::string name, uint64_t size);
  // host must stay valid and at least `size` bytes for the region's life.
  static std::unique_ptr<Region> ram(std::string name, uint64_t size, uint8_t* host);
  static std::unique_ptr<Region> rom(std::string name, uint64_t size, uint8_t* host);
  static std::unique_ptr<Region> alias(std::string name, Region& target, uint64_t offset,
                                       uint64_t size, bool readonly = false);
  static std::unique_ptr<Region> mmio(std::string name, uint64_t size, MmioHandler& handler);

  // Subregions are not owned; the caller keeps them alive while they are in the tree.
  // Among overlapping siblings the higher priority wins; on a tie the later-added wins.
  void add_subregion(uint64_t address, Region& child, int priority = 0);
  void remove_subregion(Region& child);

  void set_enabled(bool enabled);
  void set_address(uint64_t address);      // moves a region inside its container
  // Resizes where QEMU allows it: containers, MMIO and aliases freely (an alias stays
  // clipped to its target); RAM and ROM only within the host memory they were created
  // with, like QEMU's resizeable RAM blocks. Returns false where not allowed.
  bool set_size(uint64_t size);
  void set_rom_writable(bool writable);    // QEMU's romd: a ROM that accepts writes
  void set_dirty_logging(bool on);         // RAM: track the pages the guest writes

  const std::string& name() const;
  uint64_t size() const;
  // kind(), host() and handler() are inline: every MMIO and port exit asks them.
  RegionKind kind() const { return m_kind; }
  uint64_t address() const;  // within its container
  int priority() const;
  bool enabled() const;
  bool readonly() const;     // ROM (not writable) or read-only alias
  bool dirty_logging() const;
  uint8_t* host() const { return m_host; }  // RAM/ROM only
  Region* alias_target() const;
  uint64_t alias_offset() const;
  MmioHandler* handler() const { return m_handler; }
  // In priority order, highest first; among equals, the latest added first.
  auto subregions() const { return m_subregions | std::views::reverse; }

private:
  Region(std::string name, RegionKind kind, uint64_t size)
      : m_name(std::move(name)), m_kind(kind), m_size(size), m_max_size(size) {}

  std::string m_name;
  RegionKind m_kind;
  uint64_t m_size;
  uint64_t m_max_size;  // RAM/ROM: the host memory behind the region
  uint64_t m_address = 0;
  int m_priority = 0;
  bool m_enabled = true;
  bool m_readonly = false;      // read-only alias, or ROM
  bool m_rom_writable = false;  // romd off: the ROM takes writes
  bool m_dirty_logging = false;
  uint8_t* m_host = nullptr;
  Region* m_alias_target = nullptr;
  uint64_t m_alias_offset = 0;
  MmioHandler* m_handler = nullptr;
  // Kept the other way round from subregions() (lowest priority first; among equals, the
  // earliest first), so adding a region of the highest priority so far is an append: adding
  // 10,000 at the front, as the other order needs, moved the whole vector each time (n^2).
  std::vector<Region*> m_subregions;
};

} // namespace slotbox::memory
