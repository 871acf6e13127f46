#include "host/machine/map_changes.h"

#include "host/base/format.h"

namespace slotbox::machine {
namespace {

// Above everything the machine itself places (RAM 0, option ROM and isa-bios 1).
constexpr int kChangePriority = 10;
constexpr uint64_t kPage = 4096;

Error bad(const std::string& reason) { return Error::bad_input("map change", reason); }

} // namespace

Result<void> MapChanges::place(uint64_t gpa, Live live) {
  if (m_live.size() >= kMaxLiveChanges) return fail(bad("more than 64 live changes"));
  if (m_live.contains(gpa)) return fail(bad("a change is already live at " + hex(gpa)));
  if (gpa + live.region->size() > m_map.system_root().size() || gpa + live.region->size() < gpa)
    return fail(bad("beyond the guest-physical space"));
  memory::Region& region = *live.region;
  // Kept before the commit: the tree holds the region even when a listener fails.
  m_live.emplace(gpa, std::move(live));
  return commit([&] { m_map.system_root_mutable().add_subregion(gpa, region, kChangePriority); });
}

Result<void> MapChanges::add_mmio_overlay(uint64_t gpa, uint64_t size) {
  if (size == 0) return fail(bad("zero size"));
  Live live;
  live.window = std::make_unique<ScratchWindow>();
  live.region = memory::Region::mmio("overlay@" + hex(gpa), size, *live.window);
  return place(gpa, std::move(live));
}

Result<void> MapChanges::add_ram_alias(uint64_t gpa, uint64_t ram_offset, uint64_t size) {
  memory::Region& ram = m_map.ram_region();
  if (size == 0 || ram_offset > ram.size() || size > ram.size() - ram_offset)
    return fail(bad("the window is not inside guest RAM"));
  // Its pages become a KVM slot whose guest and host addresses must both be page aligned:
  // KVM refuses anything else with EINVAL, and only after the slots it covers are gone
  // (found by tests/fuzz/host_assist_fuzzer.cpp; --map aliases are held to the same rule).
  if (gpa % kPage || ram_offset % kPage || size % kPage)
    return fail(bad("an alias of RAM must start, end and point at 4 KiB pages"));
  Live live;
  live.region = memory::Region::alias("alias@" + hex(gpa), ram, ram_offset, size);
  return place(gpa, std::move(live));
}

Result<void> MapChanges::remove(uint64_t gpa) {
  auto found = m_live.find(gpa);
  if (found == m_live.end()) return fail(bad("no live change at " + hex(gpa)));
  Result<void> removed = commit([&] { m_map.system_root_mutable().remove_subregion(*found->second.region); });
  m_live.erase(found);  // only now: the listeners saw the region go
  return removed;
}

Result<void> MapChanges::set_bios_writable(bool writable) {
  return commit([&] { m_map.bios_region().set_rom_writable(writable); });
}

} // namespace slotbox::machine
