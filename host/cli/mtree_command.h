// `slotbox mtree [--flat|--slots]`: the machine's region tree (like QEMU's `info mtree`),
// its flat view (`info mtree -f`, with " KVM" on ranges that become memory slots), or the
// KVM slot table itself (which needs /dev/kvm).
#pragma once

#include "host/loader/map_file.h"

#include <cstdint>
#include <span>

namespace slotbox::cli {

enum class MtreeView { kTree, kFlat, kSlots };

int mtree_command(MtreeView view, uint64_t ram_size, std::span<const uint8_t> bios,
                  const loader::MapFile* extra_regions);

} // namespace slotbox::cli
