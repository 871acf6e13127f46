// A PC: the memory map, its devices on the port space, and one KVM vCPU that starts at
// the reset vector. One PcMachine runs one image once.
#pragma once

#include "host/base/error.h"
#include "host/kvm/slot_listener.h"
#include "host/kvm/system.h"
#include "host/kvm/vcpu.h"
#include "host/kvm/vm.h"
#include "host/machine/pc_devices.h"
#include "host/machine/pc_memory_map.h"

#include <memory>
#include <span>

namespace slotbox::machine {

struct MachineOptions {
  uint64_t ram_size;
  Serial::Sink console;
  const loader::MapFile* extra_regions = nullptr;  // --map
};

class PcMachine {
public:
  static Result<std::unique_ptr<PcMachine>> create(const kvm::System& kvm,
                                                   const MachineOptions& options,
                                                   std::span<const uint8_t> bios);

  PcMemoryMap& map() { return *m_map; }
  kvm::Vcpu& vcpu() { return *m_vcpu; }
  const kvm::SlotListener& slots() const { return *m_slot_listener; }
  const DebugExit& debug_exit() const { return m_devices.debug_exit; }

private:
  PcMachine(std::unique_ptr<PcMemoryMap> map, kvm::Vm vm, Serial::Sink console);
  Result<void> register_memory();
  Result<void> create_vcpu(const kvm::System& kvm);

  std::unique_ptr<PcMemoryMap> m_map;
  kvm::Vm m_vm;
  std::unique_ptr<kvm::SlotListener> m_slot_listener;
  std::unique_ptr<kvm::Vcpu> m_vcpu;
  PcDevices m_devices;
};

} // namespace slotbox::machine
