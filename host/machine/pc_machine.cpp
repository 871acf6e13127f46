#include "host/machine/pc_machine.h"

#include "host/kvm/backend.h"
#include "host/kvm/cpuid.h"
#include "host/kvm/hyperv.h"
#include "host/kvm/irq_routing.h"
#include "host/base/mapping.h"
#include "host/machine/firmware_handover.h"
#include "host/base/format.h"
#include "slotbox/abi.h"

#include <algorithm>

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
  if (options.pit) SLOTBOX_TRY_VOID(vm.create_pit());
  std::unique_ptr<PcMachine> machine(new PcMachine(std::move(map), std::move(vm), backend, options));
  SLOTBOX_TRY_VOID(machine->m_devices.attach(*machine->m_map));
  SLOTBOX_TRY_VOID(machine->register_memory());
  SLOTBOX_TRY_VOID(machine->create_vcpus(kvm, options.vcpus, options.cpuid));
  SLOTBOX_TRY_VOID(machine->attach_host_assist());
  return machine;
}

PcMachine::PcMachine(std::unique_ptr<PcMemoryMap> map, kvm::Vm vm, kvm::Backend backend,
                     const MachineOptions& options)
    : m_map(std::move(map)), m_vm(std::move(vm)), m_backend(std::move(backend)), m_devices(m_map->layout(), options.console, options.vcpus,
                {.testdev = options.testdev,
                 .irq_line = [this](int irq, bool level) { raise_irq(irq, level); },
                 .hyperv_testdev = options.hyperv_testdev,
                 .install_sint_routes = [this](const auto& routes) { install_sint_routes(routes); },
                 .signal_gsi = [this](uint32_t gsi) { (void)m_vm.irq_line(gsi, true); }}),
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
  m_changes = std::make_unique<MapChanges>(*m_map);
  m_host_assist = std::make_unique<HostAssist>(HostAssistContext{
      .map = *m_map,
      .changes = *m_changes,
      .slots = *m_slot_listener,
      .exits = m_exits,
      .translate = [this](uint64_t gva) { return m_exiting_vcpu->translate(gva); },
      .read_stat = [this](const std::string& name) { return read_stat(vcpu_stats(), vm_stats(), name); },
      .mmu = mmu_mode(m_backend),
      .module = kvm_module(m_backend),
      .image_arguments = m_image_arguments});
  return m_map->io().update([&] {
    m_map->io_root().add_subregion(
        abi::kHostAssistPort,
        m_map->keep(memory::Region::mmio("host-assist", HostAssist::kPortCount, *m_host_assist)));
  });
}

const PcMachine::OpenedStats& PcMachine::opened_stats() const {
  std::call_once(m_stats_opened, [this] {
    if (auto stats = kvm::Stats::open(m_vcpus[0]->fd(), "vCPU 0")) m_stats.vcpu = std::move(*stats);
    if (auto stats = kvm::Stats::open(m_vm.fd(), "VM")) m_stats.vm = std::move(*stats);
  });
  return m_stats;
}

namespace {

// Flat 4 GiB, 32-bit, present, accessed (SDM Vol. 3A §3.4.5); selectors as QEMU's
// multiboot ROM leaves them (code 0x10, data 0x18).
kvm_segment flat_segment(uint16_t selector, uint8_t type) {
  kvm_segment segment{};
  segment.base = 0;
  segment.limit = 0xFFFFFFFF;
  segment.selector = selector;
  segment.type = type;
  segment.present = 1;
  segment.s = 1;
  segment.db = 1;
  segment.g = 1;
  return segment;
}

constexpr uint8_t kCodeExecuteReadAccessed = 0xB, kDataReadWriteAccessed = 0x3;
constexpr uint16_t kCodeSelector = 0x10, kDataSelector = 0x18;
constexpr uint64_t kCr0ProtectionEnable = 1u << 0, kCr0ExtensionType = 1u << 4;
constexpr uint64_t kEflagsReserved = 1u << 1;  // always set

} // namespace

Result<void> PcMachine::boot_multiboot(const loader::MultibootBoot& boot) {
  SLOTBOX_TRY_VOID(m_map->use_huge_pages());  // QEMU's RAM: kvm-unit-tests' asyncpf touches 1 GiB twice
  for (const auto& write : boot.writes) {
    uint8_t* host = m_map->guest_ram(write.address, write.size());
    if (!host)
      return fail(Error::bad_input("multiboot load", "guest range " + hex(write.address) + "+" +
                                                         std::to_string(write.size()) + " is not RAM"));
    std::copy(write.bytes.begin(), write.bytes.end(), host);
    // A segment's .bss: zero already in a new guest's RAM, and kept untouched that way.
    SLOTBOX_TRY_VOID(zero_anonymous_memory(host + write.bytes.size(), write.zero_size));
  }
  kvm::Vcpu& bsp = *m_vcpus.at(0);
  kvm_sregs sregs = SLOTBOX_TRY(bsp.special_registers());
  sregs.cs = flat_segment(kCodeSelector, kCodeExecuteReadAccessed);
  for (kvm_segment* data : {&sregs.ds, &sregs.es, &sregs.fs, &sregs.gs, &sregs.ss})
    *data = flat_segment(kDataSelector, kDataReadWriteAccessed);
  sregs.cr0 = kCr0ProtectionEnable | kCr0ExtensionType;  // paging off, caches on
  sregs.cr4 = 0;
  sregs.efer = 0;
  SLOTBOX_TRY_VOID(bsp.set_special_registers(sregs));
  kvm_regs regs{};
  regs.rip = boot.entry;
  regs.rax = loader::kMultibootBootMagic;
  regs.rbx = boot.info_address;
  regs.rflags = kEflagsReserved;
  SLOTBOX_TRY_VOID(bsp.set_registers(regs));
  return hand_over_like_seabios(m_vm, bsp, *m_map);
}

void PcMachine::raise_irq(int irq, bool level) {
  // A guest that drives a line KVM refuses gets nothing, as on a board with no such line.
  (void)m_vm.irq_line(static_cast<uint32_t>(irq), level);
}

// A route KVM refuses (a VP index with no vCPU) leaves the guest without it: its SINT never
// arrives and its own check says so, as when QEMU fails to add one.
void PcMachine::install_sint_routes(const std::vector<HypervTestdev::SintRoute>& routes) {
  auto table = kvm::default_irq_routing();
  for (const auto& route : routes) table.push_back(kvm::hyperv_sint_route(route.gsi, route.vp_index, route.sint));
  (void)m_vm.set_gsi_routing(table);
}

// vCPU i has APIC id i; KVM makes vCPU 0 the BSP and holds the others until INIT/SIPI.
Result<void> PcMachine::create_vcpus(const kvm::System& kvm, uint32_t count, const kvm::CpuidEdits& edits) {
  auto cpuid = kvm::with_edits(SLOTBOX_TRY(kvm.supported_cpuid()), edits);
  bool synic = false;
  if (edits.hyperv) {
    auto hyperv = SLOTBOX_TRY(kvm.supported_hyperv_cpuid());
    cpuid = kvm::with_hyperv_leaves(std::move(cpuid), hyperv);
    synic = kvm::offers_synic(hyperv);
  }
  for (uint32_t id = 0; id < count; ++id) {
    auto vcpu = std::make_unique<kvm::Vcpu>(SLOTBOX_TRY(m_vm.create_vcpu(id)));
    SLOTBOX_TRY_VOID(vcpu->set_cpuid(kvm::with_apic_id(cpuid, id)));
    if (synic) SLOTBOX_TRY_VOID(vcpu->enable_hyperv_synic());  // after KVM_SET_CPUID2, as QEMU orders them
    m_vcpus.push_back(std::move(vcpu));
  }
  return {};
}

} // namespace slotbox::machine
