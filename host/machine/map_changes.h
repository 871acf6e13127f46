// Changes to the memory map while the guest runs, on the guest's request (host assist):
// an MMIO window over any range, an alias of a RAM window at any address, the BIOS made
// writable and read-only again. Each is one transaction; the slot listener turns it into
// the fewest KVM slot calls. Bounded, so a guest cannot make the host allocate without end.
//
// KVM has no atomic slot update: a change that splits or joins a slot deletes it and adds
// its pieces, and a vCPU running meanwhile finds no memory there (an instruction fetch
// from the gap is an emulation failure, measured on kvm_amd with 8 vCPUs). So every
// change runs through `quiesce`, which the run controller makes stop the other vCPUs.
#pragma once

#include "host/base/error.h"
#include "host/machine/pc_memory_map.h"
#include "host/machine/scratch_window.h"

#include <functional>
#include <map>
#include <memory>

namespace slotbox::machine {

class MapChanges {
public:
  static constexpr size_t kMaxLiveChanges = 64;

  // Runs a change with no other vCPU inside KVM_RUN; by default it just runs it.
  using Quiesce = std::function<Result<void>(const std::function<Result<void>()>& change)>;

  explicit MapChanges(PcMemoryMap& map) : m_map(map) {}
  // Set for the length of a run by the run controller; empty: changes just run.
  void set_quiesce(Quiesce quiesce) { m_quiesce = std::move(quiesce); }

  // Each returns a bad-input error for requests that make no sense (overlap of a live
  // change at the same gpa, sizes out of bounds, too many live changes), or the first
  // listener failure of its commit (e.g. the KVM_SET_USER_MEMORY_REGION that failed).
  Result<void> add_mmio_overlay(uint64_t gpa, uint64_t size);
  Result<void> add_ram_alias(uint64_t gpa, uint64_t ram_offset, uint64_t size);
  Result<void> remove(uint64_t gpa);
  Result<void> set_bios_writable(bool writable);

private:
  struct Live {
    std::unique_ptr<memory::Region> region;
    std::unique_ptr<ScratchWindow> window;
  };
  Result<void> place(uint64_t gpa, Live live);
  // One transaction on the memory address space, quiesced.
  template <typename Edit>
  Result<void> commit(Edit&& edit) {
    auto change = [&] { return m_map.memory().update(std::forward<Edit>(edit)); };
    return m_quiesce ? m_quiesce(change) : change();
  }

  PcMemoryMap& m_map;
  Quiesce m_quiesce;
  std::map<uint64_t, Live> m_live;
};

} // namespace slotbox::machine
