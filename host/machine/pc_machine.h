// A PC: the memory map, its devices on the port space, the in-kernel interrupt controllers
// and PIT, and N vCPUs: the BSP starts at the reset vector, the APs wait for INIT/SIPI.
// One PcMachine runs one image once (run_controller.h drives it).
#pragma once

#include "host/base/error.h"
#include "host/kvm/backend.h"
#include "host/kvm/cpu_features.h"
#include "host/kvm/slot_listener.h"
#include "host/kvm/system.h"
#include "host/kvm/vcpu.h"
#include "host/kvm/vm.h"
#include "host/kvm/stats.h"
#include "host/loader/multiboot.h"
#include "host/machine/exit_counters.h"
#include "host/machine/host_assist.h"
#include "host/machine/map_changes.h"
#include "host/machine/pc_devices.h"
#include "host/machine/pc_memory_map.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>
#include <span>

namespace slotbox::machine {

struct MachineOptions {
  uint64_t ram_size;
  Serial::Sink console;
  const loader::MapFile* extra_regions = nullptr;  // --map
  std::vector<std::string> image_arguments;        // after `--`
  uint32_t vcpus = 1;                              // --smp
  bool testdev = false;                            // QEMU's pc-testdev, for kvm-unit-tests kernels
  kvm::CpuidEdits cpuid;                           // -cpu ...,-feature (kvm-unit-tests sections)
  bool pit = true;                                 // QEMU's -machine pit=off leaves it out
  bool hyperv_testdev = false;                     // QEMU's -device hyperv-testdev (SynIC routes)
};

class PcMachine {
public:
  static Result<std::unique_ptr<PcMachine>> create(const kvm::System& kvm,
                                                   const MachineOptions& options,
                                                   std::span<const uint8_t> bios);

  // Loads a planned multiboot kernel into guest RAM and sets the BSP's registers as the
  // Multiboot Specification §3.2 requires; call before the run. The BIOS ROM stays mapped
  // (the memory map is QEMU's) but never runs.
  Result<void> boot_multiboot(const loader::MultibootBoot& boot);

  PcMemoryMap& map() { return *m_map; }
  int vm_fd() const { return m_vm.fd(); }  // for the vCPU threads' sandbox
  const kvm::Backend& backend() const { return m_backend; }
  kvm::Vcpu& vcpu(size_t index) { return *m_vcpus.at(index); }
  size_t vcpu_count() const { return m_vcpus.size(); }
  // Held while any exit is handled: the devices, counters and map are shared by the vCPU
  // threads (run_controller.h says why this is enough).
  std::mutex& lock() { return m_lock; }
  // Under lock(): the vCPU whose exit is being handled, for host assist's KVM_TRANSLATE.
  void set_exiting_vcpu(kvm::Vcpu& vcpu) { m_exiting_vcpu = &vcpu; }
  const kvm::Vcpu* exiting_vcpu() const { return m_exiting_vcpu; }
  // How a map change stops the other vCPUs (map_changes.h says why); set by the run
  // controller for the length of a run, called under lock() on the asking vCPU's thread.
  void set_quiesce(MapChanges::Quiesce quiesce) { m_changes->set_quiesce(std::move(quiesce)); }
  const kvm::SlotListener& slots() const { return *m_slot_listener; }
  const DebugExit& debug_exit() const { return m_devices.debug_exit; }
  HypervTestdev* hyperv_testdev() { return m_devices.hyperv_testdev ? &*m_devices.hyperv_testdev : nullptr; }
  ExitCounters& exits() { return m_exits; }
  const ExitCounters& exits() const { return m_exits; }
  const HostAssist& host_assist() const { return *m_host_assist; }
  // KVM's binary statistics, where the kernel has them (Linux 5.14 and later). Opened on
  // first use: few runs ask (--stats, host assist's kStat), and opening them is two stats
  // fds and a read of every descriptor (`slotbox bench`, cold start).
  const std::optional<kvm::Stats>& vcpu_stats() const { return opened_stats().vcpu; }
  const std::optional<kvm::Stats>& vm_stats() const { return opened_stats().vm; }

private:
  PcMachine(std::unique_ptr<PcMemoryMap> map, kvm::Vm vm, kvm::Backend backend, const MachineOptions& options);
  Result<void> register_memory();
  Result<void> create_vcpus(const kvm::System& kvm, uint32_t count, const kvm::CpuidEdits& edits);
  // A device's interrupt line into the in-kernel PIC and IOAPIC (pc-testdev's ports).
  void raise_irq(int irq, bool level);
  // hyperv-testdev's SynIC routes, installed in KVM after the irqchip's default routes.
  void install_sint_routes(const std::vector<HypervTestdev::SintRoute>& routes);
  Result<void> attach_host_assist();

  std::unique_ptr<PcMemoryMap> m_map;
  kvm::Vm m_vm;
  kvm::Backend m_backend;
  std::unique_ptr<kvm::SlotListener> m_slot_listener;
  std::vector<std::unique_ptr<kvm::Vcpu>> m_vcpus;
  kvm::Vcpu* m_exiting_vcpu = nullptr;
  std::mutex m_lock;
  PcDevices m_devices;
  ExitCounters m_exits;
  struct OpenedStats {
    std::optional<kvm::Stats> vcpu;  // vCPU 0's
    std::optional<kvm::Stats> vm;
  };
  const OpenedStats& opened_stats() const;
  mutable std::once_flag m_stats_opened;  // by whichever thread asks first
  mutable OpenedStats m_stats;
  std::unique_ptr<MapChanges> m_changes;
  std::unique_ptr<HostAssist> m_host_assist;
  std::vector<std::string> m_image_arguments;
};

} // namespace slotbox::machine
