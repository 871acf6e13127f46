#include "host/machine/pc_devices.h"

#include "slotbox/abi.h"

namespace slotbox::machine {
namespace {

void add_port(PcMemoryMap& map, uint64_t port, const char* name, uint64_t count, memory::MmioHandler& handler) {
  map.io_root().add_subregion(port, map.keep(memory::Region::mmio(name, count, handler)));
}

// Region names are QEMU's (`info mtree`).
void add_testdev_ports(PcMemoryMap& map, PcTestdev& dev) {
  add_port(map, PcTestdev::kIoportBase, "pc-testdev-ioport", PcTestdev::kIoportSize, dev.ioport());
  add_port(map, PcTestdev::kFlushPort, "pc-testdev-flush-page", PcTestdev::kIoportSize, dev.flush());
  add_port(map, PcTestdev::kIoportByteBase, "pc-testdev-ioport-byte", PcTestdev::kIoportSize, dev.ioport_byte());
  add_port(map, PcTestdev::kIrqLineBase, "pc-testdev-irq-line", PcTestdev::kIrqLineCount, dev.irq_lines());
}

} // namespace

Result<void> PcDevices::attach(PcMemoryMap& map) {
  using memory::Region;
  SLOTBOX_TRY_VOID(map.io().update([&] {
    add_port(map, abi::kSerialPort, "serial", Serial::kPortCount, serial);
    add_port(map, abi::kExitPort, "isa-debug-exit", DebugExit::kPortCount, debug_exit);
    add_port(map, abi::kCmosIndexPort, "rtc", Cmos::kPortCount, cmos);
    add_port(map, FwCfg::kBasePort, "fwcfg", FwCfg::kPortCount, fw_cfg);
    add_port(map, PciConfigAddress::kPort, "pci-conf-idx", PciConfigAddress::kPortCount, pci_config_address);
    add_port(map, PciConfigData::kPort, "pci-conf-data", PciConfigData::kPortCount, pci_config_data);
    if (testdev) add_testdev_ports(map, *testdev);
    if (hyperv_testdev) add_port(map, HypervTestdev::kPort, "hyperv-testdev", HypervTestdev::kPortCount, *hyperv_testdev);
  }));
  if (testdev) {
    testdev->set_guest_page([&map](uint64_t gpa) { return map.guest_ram(gpa, PcTestdev::kPageSize); });
  }
  if (hyperv_testdev) {
    hyperv_testdev->set_guest_ram([&map](uint64_t gpa, uint64_t size) { return map.guest_ram(gpa, size); });
  }
  return map.memory().update([&] {
    Region& system = map.system_root_mutable();
    system.add_subregion(abi::kTestDeviceBase,
                         map.keep(Region::mmio("slotbox-test-device", abi::test_device::kSize, test_device)));
    // Added after the BIOS, so on a tie (a 16 MiB BIOS reaches down to 0xFF000000) it wins,
    // as in QEMU where pc-testdev is realized after the BIOS is mapped.
    if (testdev)
      system.add_subregion(PcTestdev::kIomemBase,
                           map.keep(Region::mmio("pc-testdev-iomem", PcTestdev::kIomemSize, testdev->iomem())));
  });
}

} // namespace slotbox::machine
