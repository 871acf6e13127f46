#include "host/machine/guest_memory.h"

#include <algorithm>
#include <cstring>

namespace slotbox::machine {
namespace {

// The host bytes behind [gpa, gpa + size) when one RAM or ROM range holds them all.
const uint8_t* backing(PcMemoryMap& map, uint64_t gpa, uint64_t size) {
  const memory::FlatRange* range = map.memory().view().find(gpa);
  if (!range) return nullptr;
  auto kind = range->region->kind();
  if (kind != memory::RegionKind::kRam && kind != memory::RegionKind::kRom) return nullptr;
  if (size > range->range.end() - gpa) return nullptr;
  return range->region->host() + range->offset + (gpa - range->range.start);
}

} // namespace

debug::PhysicalRead physical_reader(PcMemoryMap& map) {
  return [&map](uint64_t gpa, std::span<uint8_t> out) {
    // Range by range: a read may straddle two slots (low RAM and the option-ROM area).
    while (!out.empty()) {
      const memory::FlatRange* range = map.memory().view().find(gpa);
      if (!range) return false;
      uint64_t chunk = std::min<uint64_t>(out.size(), range->range.end() - gpa);
      const uint8_t* bytes = backing(map, gpa, chunk);
      if (!bytes) return false;
      std::memcpy(out.data(), bytes, chunk);
      out = out.subspan(chunk);
      gpa += chunk;
    }
    return true;
  };
}

bool write_physical(PcMemoryMap& map, uint64_t gpa, std::span<const uint8_t> bytes) {
  auto* target = const_cast<uint8_t*>(backing(map, gpa, bytes.size()));
  if (!target) return false;
  std::memcpy(target, bytes.data(), bytes.size());
  return true;
}

debug::PagingMode paging_mode(const kvm_sregs& sregs) {
  return {sregs.cr0, sregs.cr3, sregs.cr4, sregs.efer};
}

debug::GuestRegisters guest_registers(const kvm_regs& regs, const kvm_sregs& sregs) {
  debug::GuestRegisters out;
  debug::copy_general_registers(regs, out);
  out.cs = sregs.cs.selector, out.ss = sregs.ss.selector, out.ds = sregs.ds.selector;
  out.es = sregs.es.selector, out.fs = sregs.fs.selector, out.gs = sregs.gs.selector;
  out.fs_base = sregs.fs.base, out.gs_base = sregs.gs.base;
  out.cr0 = sregs.cr0, out.cr2 = sregs.cr2, out.cr3 = sregs.cr3, out.cr4 = sregs.cr4, out.cr8 = sregs.cr8;
  out.efer = sregs.efer;
  return out;
}

} // namespace slotbox::machine
