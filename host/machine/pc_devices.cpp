#include "host/machine/pc_devices.h"

#include "slotbox/abi.h"

namespace slotbox::machine {

void PcDevices::attach(PcMemoryMap& map) {
  using memory::Region;
  Region& io = map.io_root();
  map.io().begin();
  io.add_subregion(abi::kSerialPort, map.keep(Region::mmio("serial", Serial::kPortCount, serial)));
  io.add_subregion(abi::kExitPort,
                   map.keep(Region::mmio("isa-debug-exit", DebugExit::kPortCount, debug_exit)));
  io.add_subregion(abi::kCmosIndexPort, map.keep(Region::mmio("rtc", Cmos::kPortCount, cmos)));
  map.io().commit();
  map.memory().begin();
  map.system_root_mutable().add_subregion(
      abi::kTestDeviceBase, map.keep(Region::mmio("slotbox-test-device", abi::test_device::kSize, test_device)));
  map.memory().commit();
}

} // namespace slotbox::machine
