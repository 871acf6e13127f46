#include "host/machine/pc_machine.h"

#include "host/kvm/backend.h"
#include "host/kvm/cpuid.h"
#include "slotbox/abi.h"

namespace slotbox::machine {

Result<std::unique_ptr<PcMachine>> PcMachine::create(const kvm::System& kvm,
                                                     const MachineOptions& options,
                                                     std::span<const uint8_t> bios) {
  auto map = SLOTBOX_TRY(PcMemoryMap::create(options.ram_size, bios, options.extra_regions));
  kvm::Vm vm = SLOTBOX_TRY(kvm.create_vm());
  SLOTBOX_TRY_VOID(vm.set_real_mode_pages());
  SLOTBOX_TRY_VOID(vm.enable_manual_dirty_clear());
  kvm::Backend backend = kvm::detect_backend();
  backend.reports_emulation_failure = SLOTBOX_TRY(vm.enable_exit_on_emulation_failure());
  SLOTBOX_TRY_VOID(vm.create_irqchip());
  SLOTBOX_TRY_VOID(vm.create_pit());
  std::unique_ptr<PcMachine> machine(new PcMachine(std::move(map), std::move(vm), backend, options));
  SLOTBOX_TRY_VOID(machine->m_devices.attach(*machine->m_map));
  SLOTBOX_TRY_VOID(machine->register_memory());
  SLOTBOX_TRY_VOID(machine->create_vcpus(kvm, options.vcpus));
  SLOTBOX_TRY_VOID(machine->attach_host_assist());
  return machine;
}

PcMachine::PcMachine(std::unique_ptr<PcMemoryMap> map, kvm::Vm vm, kvm::Backend backend,
                     const MachineOptions& options)
    : m_map(std::move(map)), m_vm(std::move(vm)), m_backend(std::move(backend)), m_devices(m_map->layout(), options.console, options.vcpus),
      m_image_arguments(options.image_arguments) {}

// The tree is complete before the listener attaches, so KVM sees the final map at once:
// one KVM_SET_USER_MEMORY_REGION per slot and no deletes (QEMU registers low RAM whole
// first and splits it later; slotbox does not).
Result<void> PcMachine::register_memory() {
  m_slot_listener = std::make_unique<kvm::SlotListener>(m_vm);
  return m_map->memory().add_listener(*m_slot_listener);
}

namespace {

abi::MmuMode mmu_mode(const kvm::Backend& backend) {
  switch (backend.mmu) {
  case kvm::MmuMode::kTdp: return abi::MmuMode::kTdp;
  case kvm::MmuMode::kShadow: return abi::MmuMode::kShadow;
  case kvm::MmuMode::kUnknown: return abi::MmuMode::kUnknown;
  }
  return abi::MmuMode::kUnknown;
}

abi::KvmModule kvm_module(const kvm::Backend& backend) {
  if (backend.module == "kvm_pvm") return abi::KvmModule::kPvm;
  if (backend.module == "kvm_intel") return abi::KvmModule::kIntel;
  if (backend.module == "kvm_amd") return abi::KvmModule::kAmd;
  return abi::KvmModule::kUnknown;
}

// Host assist's kStat: vCPU 0's statistics (the BSP's, where images ask), then the VM's.
Result<StatReading> read_stat(const std::optional<kvm::Stats>& vcpu_stats,
                              const std::optional<kvm::Stats>& vm_stats, const std::string& name) {
  if (!vcpu_stats || !vm_stats)
    return fail(Error::unavailable("KVM_GET_STATS_FD", "no binary statistics on this kernel"));
  for (auto [stats, owner] : {std::pair{&*vcpu_stats, StatOwner::kVcpu}, std::pair{&*vm_stats, StatOwner::kVm}})
    if (stats->has(name)) return StatReading{SLOTBOX_TRY(stats->value(name)), owner};
  return fail(Error::bad_input("KVM statistic \"" + name + "\"", "neither the vCPU nor the VM has it"));
}

} // namespace

// slotbox-only devices: absent under QEMU, so images find out which host they run on.
Result<void> PcMachine::attach_host_assist() {
  if (auto stats = kvm::Stats::open(m_vcpus[0]->fd(), "vCPU 0")) m_vcpu_stats = std::move(*stats);
  if (auto stats = kvm::Stats::open(m_vm.fd(), "VM")) m_vm_stats = std::move(*stats);
  m_changes = std::make_unique<MapChanges>(*m_map, [this](const std::function<Result<void>()>& change) {
    return m_quiesce ? m_quiesce(change) : change();
  });
  m_host_assist = std::make_unique<HostAssist>(HostAssistContext{
      .map = *m_map,
      .changes = *m_changes,
      .slots = *m_slot_listener,
      .exits = m_exits,
      .translate = [this](uint64_t gva) { return m_exiting_vcpu->translate(gva); },
      .read_stat = [this](const std::string& name) { return read_stat(m_vcpu_stats, m_vm_stats, name); },
      .mmu = mmu_mode(m_backend),
      .module = kvm_module(m_backend),
      .image_arguments = m_image_arguments});
  return m_map->io().update([&] {
    m_map->io_root().add_subregion(
        abi::kHostAssistPort,
        m_map->keep(memory::Region::mmio("host-assist", HostAssist::kPortCount, *m_host_assist)));
  });
}

// vCPU i has APIC id i; KVM makes vCPU 0 the BSP and holds the others until INIT/SIPI.
Result<void> PcMachine::create_vcpus(const kvm::System& kvm, uint32_t count) {
  auto cpuid = SLOTBOX_TRY(kvm.supported_cpuid());
  for (uint32_t id = 0; id < count; ++id) {
    auto vcpu = std::make_unique<kvm::Vcpu>(SLOTBOX_TRY(m_vm.create_vcpu(id)));
    SLOTBOX_TRY_VOID(vcpu->set_cpuid(kvm::with_apic_id(cpuid, id)));
    m_vcpus.push_back(std::move(vcpu));
  }
  return {};
}

} // namespace slotbox::machine
