// Helpers for the memory-model tests: host buffers, and a listener that records calls.
#pragma once

#include "host/memory/address_space.h"
#include "host/memory/region.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace slotbox::memory::testing {

// Owns the regions of a test tree and the host bytes behind RAM and ROM.
class Tree {
public:
  Region& container(const std::string& name, uint64_t size) { return keep(Region::container(name, size)); }
  Region& ram(const std::string& name, uint64_t size) { return keep(Region::ram(name, size, bytes(size))); }
  Region& rom(const std::string& name, uint64_t size) { return keep(Region::rom(name, size, bytes(size))); }
  Region& alias(const std::string& name, Region& target, uint64_t offset, uint64_t size, bool readonly = false) {
    return keep(Region::alias(name, target, offset, size, readonly));
  }
  Region& mmio(const std::string& name, uint64_t size, MmioHandler& handler) {
    return keep(Region::mmio(name, size, handler));
  }

private:
  Region& keep(std::unique_ptr<Region> region) {
    m_regions.push_back(std::move(region));
    return *m_regions.back();
  }
  uint8_t* bytes(uint64_t size) {
    m_bytes.push_back(std::make_unique<uint8_t[]>(size));
    return m_bytes.back().get();
  }
  std::vector<std::unique_ptr<Region>> m_regions;
  std::vector<std::unique_ptr<uint8_t[]>> m_bytes;
};

// "ram 0x0+0x1000 @0x0" (region, start+size, offset into the region), " ro" if read-only.
inline std::string describe(const FlatRange& range) {
  char text[160];
  std::snprintf(text, sizeof text, "%s 0x%llx+0x%llx @0x%llx%s", range.region->name().c_str(),
                static_cast<unsigned long long>(range.range.start), static_cast<unsigned long long>(range.range.size),
                static_cast<unsigned long long>(range.offset), range.readonly ? " ro" : "");
  return text;
}

// The flat view, one string per range.
inline std::vector<std::string> describe(const FlatView& view) {
  std::vector<std::string> lines;
  for (const FlatRange& range : view.ranges()) lines.push_back(describe(range));
  return lines;
}

// "add ram 0x0+0x1000 @0x0" for each listener call, in order.
class RecordingListener final : public Listener {
public:
  slotbox::Result<void> region_del(const FlatRange& range) override { return record("del " + describe(range)); }
  slotbox::Result<void> region_add(const FlatRange& range) override { return record("add " + describe(range)); }
  std::vector<std::string> calls;

private:
  slotbox::Result<void> record(std::string call) {
    calls.push_back(std::move(call));
    return {};
  }
};

class NullDevice final : public MmioHandler {
public:
  uint64_t read(uint64_t offset, unsigned size) override {
    last_read = {offset, size};
    return 0xAB;
  }
  void write(uint64_t offset, unsigned size, uint64_t value) override {
    last_write_offset = offset;
    last_write_size = size;
    last_value = value;
  }
  std::pair<uint64_t, unsigned> last_read{~0ull, 0};
  uint64_t last_write_offset = ~0ull;
  unsigned last_write_size = 0;
  uint64_t last_value = 0;
};

} // namespace slotbox::memory::testing
