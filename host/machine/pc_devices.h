// The devices of the PC: serial, debug exit and CMOS on the port space, and slotbox's test
// device in the MMIO hole. Shared by the running machine and `slotbox mtree`, which shows
// them without KVM.
#pragma once

#include "host/base/error.h"
#include "host/machine/cmos.h"
#include "host/machine/debug_exit.h"
#include "host/machine/pc_memory_map.h"
#include "host/machine/serial.h"
#include "host/machine/test_device.h"

namespace slotbox::machine {

struct PcDevices {
  PcDevices(const PcLayout& layout, Serial::Sink console, uint32_t cpu_count)
      : serial(std::move(console)), cmos(layout, cpu_count) {}
  PcDevices(const PcDevices&) = delete;
  PcDevices& operator=(const PcDevices&) = delete;

  // Adds the devices' regions to the map and commits both address spaces; fails only
  // where a listener is already attached and refuses the change.
  Result<void> attach(PcMemoryMap& map);

  Serial serial;
  DebugExit debug_exit;
  Cmos cmos;
  TestDevice test_device;
};

} // namespace slotbox::machine
