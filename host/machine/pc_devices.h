// The devices of the PC: serial, debug exit, CMOS, fw_cfg and the PCI configuration ports
// on the port space, slotbox's test device in the MMIO hole, and, when asked, QEMU's
// pc-testdev (ports and its 64 KiB iomem window at 0xFF000000). Shared by the running
// machine and `slotbox mtree`, which shows them without KVM.
//
// Port 0x8900 (the Bochs BIOS "Shutdown" port old kvm-unit-tests write) has no device, as in
// QEMU since the Bochs BIOS ports went away: writes are dropped, reads return all ones.
#pragma once

#include "host/base/error.h"
#include "host/machine/cmos.h"
#include "host/machine/debug_exit.h"
#include "host/machine/fw_cfg.h"
#include "host/machine/hyperv_testdev.h"
#include "host/machine/pc_memory_map.h"
#include "host/machine/pc_testdev.h"
#include "host/machine/pci_config.h"
#include "host/machine/serial.h"
#include "host/machine/test_device.h"

#include <optional>

namespace slotbox::machine {

struct PcDeviceOptions {
  // QEMU's `-device pc-testdev`, which kvm-unit-tests kernels use. Off by default: QEMU's
  // `-M pc -nodefaults` has no pc-testdev, and the map must equal it.
  bool testdev = false;
  // Where pc-testdev's IRQ line writes go (KVM_IRQ_LINE on the VM); empty: dropped.
  PcTestdev::IrqLine irq_line = {};
  // QEMU's `-device hyperv-testdev` (kvm-unit-tests' hyperv_synic), and where its routes go.
  bool hyperv_testdev = false;
  HypervTestdev::InstallRoutes install_sint_routes = {};
  HypervTestdev::SignalGsi signal_gsi = {};
};

struct PcDevices {
  PcDevices(const PcLayout& layout, Serial::Sink console, uint32_t cpu_count, PcDeviceOptions options = {})
      : serial(std::move(console)), cmos(layout, cpu_count), fw_cfg(layout, cpu_count) {
    if (options.testdev) testdev.emplace(std::move(options.irq_line));
    if (options.hyperv_testdev)
      hyperv_testdev.emplace(std::move(options.install_sint_routes), std::move(options.signal_gsi));
  }
  PcDevices(const PcDevices&) = delete;
  PcDevices& operator=(const PcDevices&) = delete;

  // Adds the devices' regions to the map and commits both address spaces; fails only
  // where a listener is already attached and refuses the change.
  Result<void> attach(PcMemoryMap& map);

  Serial serial;
  DebugExit debug_exit;
  Cmos cmos;
  FwCfg fw_cfg;
  PciConfigAddress pci_config_address;
  PciConfigData pci_config_data;
  TestDevice test_device;
  std::optional<PcTestdev> testdev;
  std::optional<HypervTestdev> hyperv_testdev;
};

} // namespace slotbox::machine
