#include "host/cli/mtree_command.h"

#include "host/cli/exit_code.h"
#include "host/kvm/slot_listener.h"
#include "host/kvm/system.h"
#include "host/kvm/vm.h"
#include "host/machine/pc_devices.h"
#include "host/machine/pc_memory_map.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>

namespace slotbox::cli {
namespace {

using memory::FlatRange;
using memory::Region;
using memory::RegionKind;

const char* kind_name(const Region& region) {
  switch (region.kind()) {
  case RegionKind::kContainer: return "container";
  case RegionKind::kRam: return "ram";
  case RegionKind::kRom: return region.readonly() ? "rom" : "romd";
  case RegionKind::kAlias: return "alias";
  case RegionKind::kMmio: return "i/o";
  }
  return "?";
}

// QEMU prints inclusive ranges of 16 hex digits.
void print_span(uint64_t start, uint64_t size) {
  std::printf("%016" PRIx64 "-%016" PRIx64, start, start + size - 1);
}

void print_region(const Region& region, uint64_t base, int depth) {
  uint64_t start = base + region.address();
  std::printf("%*s", 2 + 2 * depth, "");
  print_span(start, region.size());
  std::printf(" (prio %d, %s): %s", region.priority(), kind_name(region), region.name().c_str());
  if (region.kind() == RegionKind::kAlias) {
    std::printf(" @%s ", region.alias_target()->name().c_str());
    print_span(region.alias_offset(), region.size());
    if (region.readonly()) std::printf(" [read-only]");
  }
  if (!region.enabled()) std::printf(" [disabled]");
  std::printf("\n");

  // Siblings by address, then by precedence, as QEMU lists them.
  std::vector<const Region*> children(region.subregions().begin(), region.subregions().end());
  std::stable_sort(children.begin(), children.end(),
                   [](const Region* a, const Region* b) { return a->address() < b->address(); });
  for (const Region* child : children) print_region(*child, start, depth + 1);
}

void print_tree(machine::PcMemoryMap& map) {
  for (memory::AddressSpace* space : {&map.memory(), &map.io()}) {
    std::printf("address-space: %s\n", space->name().c_str());
    print_region(space->root(), 0, 0);
    std::printf("\n");
  }
}

void print_flat(machine::PcMemoryMap& map) {
  for (memory::AddressSpace* space : {&map.memory(), &map.io()}) {
    std::printf("AS \"%s\", root: %s\n", space->name().c_str(), space->root().name().c_str());
    for (const FlatRange& range : space->view().ranges()) {
      std::printf("  ");
      print_span(range.range.start, range.range.size);
      const Region& region = *range.region;
      const char* kind = range.readonly && region.kind() == RegionKind::kRam ? "rom" : kind_name(region);
      std::printf(" (prio %d, %s): %s", region.priority(), kind, region.name().c_str());
      if (range.offset) std::printf(" @%016" PRIx64, range.offset);
      if (space == &map.memory() && kvm::SlotListener::slot_for(range)) std::printf(" KVM");
      std::printf("\n");
    }
    std::printf("\n");
  }
}

int print_slots(machine::PcMemoryMap& map) {
  auto kvm = kvm::System::open();
  if (!kvm) return report_error(kvm.error());
  auto vm = kvm->create_vm();
  if (!vm) return report_error(vm.error());
  kvm::SlotListener listener(*vm);
  if (auto added = map.memory().add_listener(listener); !added) return report_error(added.error());
  std::printf("%-4s %-33s %-12s %-24s %s\n", "slot", "gpa", "size", "host (region+offset)", "flags");
  for (const kvm::MemorySlot& slot : listener.slots()) {
    const FlatRange* range = map.memory().view().find(slot.gpa);
    std::string host = range ? range->region->name() + "+0x" : "?";
    char offset[24] = "";
    if (range) std::snprintf(offset, sizeof offset, "%" PRIx64, range->offset + (slot.gpa - range->range.start));
    std::printf("%-4u ", slot.id);
    print_span(slot.gpa, slot.size);
    std::printf(" 0x%-10" PRIx64 " %-24s %s\n", slot.size, (host + offset).c_str(),
                slot.flags & KVM_MEM_READONLY ? "readonly" : "-");
  }
  std::printf("%" PRIu64 " KVM_SET_USER_MEMORY_REGION calls for %zu slots\n", vm->memory_slot_calls(),
              listener.slots().size());
  map.memory().remove_listener(listener);
  return kExitPassed;
}

} // namespace

int mtree_command(MtreeView view, uint64_t ram_size, std::span<const uint8_t> bios,
                  const loader::MapFile* extra_regions) {
  auto map = machine::PcMemoryMap::create(ram_size, bios, extra_regions);
  if (!map) return report_error(map.error());
  machine::PcDevices devices((*map)->layout(), [](char) {}, 1);
  devices.attach(**map);
  switch (view) {
  case MtreeView::kTree: print_tree(**map); return kExitPassed;
  case MtreeView::kFlat: print_flat(**map); return kExitPassed;
  case MtreeView::kSlots: return print_slots(**map);
  }
  return kExitPassed;
}

} // namespace slotbox::cli
