// The port-I/O devices of the PC, attached to a memory map's port space. Shared by the
// running machine and `slotbox mtree`, which shows them without KVM.
#pragma once

#include "host/machine/cmos.h"
#include "host/machine/debug_exit.h"
#include "host/machine/pc_memory_map.h"
#include "host/machine/serial.h"

namespace slotbox::machine {

struct PcDevices {
  PcDevices(const PcLayout& layout, Serial::Sink console) : serial(std::move(console)), cmos(layout) {}
  PcDevices(const PcDevices&) = delete;
  PcDevices& operator=(const PcDevices&) = delete;

  // Adds the devices' port regions to the map and commits the port space.
  void attach(PcMemoryMap& map);

  Serial serial;
  DebugExit debug_exit;
  Cmos cmos;
};

} // namespace slotbox::machine
