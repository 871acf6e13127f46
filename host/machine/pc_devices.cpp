#include "host/machine/pc_devices.h"

#include "slotbox/abi.h"

namespace slotbox::machine {

Result<void> PcDevices::attach(PcMemoryMap& map) {
  using memory::Region;
  SLOTBOX_TRY_VOID(map.io().update([&] {
    Region& io = map.io_root();
    io.add_subregion(abi::kSerialPort, map.keep(Region::mmio("serial", Serial::kPortCount, serial)));
    io.add_subregion(abi::kExitPort,
                     map.keep(Region::mmio("isa-debug-exit", DebugExit::kPortCount, debug_exit)));
    io.add_subregion(abi::kCmosIndexPort, map.keep(Region::mmio("rtc", Cmos::kPortCount, cmos)));
  }));
  return map.memory().update([&] {
    map.system_root_mutable().add_subregion(
        abi::kTestDeviceBase, map.keep(Region::mmio("slotbox-test-device", abi::test_device::kSize, test_device)));
  });
}

} // namespace slotbox::machine
