// The kernel side of starting the application processors (kernel calls from start_cpus()
// in smp.cpp, which does the waiting at CPL3). The boot CPU readies each AP's per-CPU
// data and TSS, copies the real-mode trampoline from the ROM to a page below 1 MiB, leaves
// each AP's kernel stack beside it, and sends INIT and STARTUP IPIs through its local APIC.
#include "kernel.h"
#include "page_protection.h"
#include "per_cpu.h"
#include "slotbox/smp.h"

namespace slotbox::guest {

// What an AP reads on its way in (long_mode.asm); offsets as AP_PARAM_* in layout.inc.
struct ApParameters {
  uint32_t cr3;
  uint32_t reserved;
  uint64_t stacks[kMaxCpus];  // by local APIC id: a kernel stack top; the AP swaps in 0 to take it
};
static_assert(offsetof(ApParameters, cr3) == 0 && offsetof(ApParameters, stacks) == 8);

extern "C" ApParameters ap_parameters;     // reset16.asm: AP_PARAMETERS
extern "C" uint8_t ap_trampoline_page[];   // reset16.asm: AP_TRAMPOLINE, where a SIPI points

namespace {

// The xAPIC at its reset base: the spurious-interrupt vector register (SDM vol. 3A
// 10.9) and the interrupt command register (10.6.1).
constexpr uint64_t kLocalApicBase = 0xFEE00000;
constexpr uint64_t kSpuriousVector = 0xF0;
constexpr uint32_t kApicSoftwareEnable = 1 << 8;
constexpr uint64_t kIcrLow = 0x300;
constexpr uint64_t kIcrHigh = 0x310;          // bits 24-31: the destination APIC id
constexpr uint32_t kDeliveryInit = 0x500;
constexpr uint32_t kDeliveryStartup = 0x600;  // | the vector: the start page's number
constexpr uint32_t kLevelAssert = 1 << 14;
constexpr uint32_t kDeliveryPending = 1 << 12;
constexpr unsigned kIdlePolls = 1000;
constexpr uint64_t kFailed = ~0ull;

uint64_t g_prepared = 0;  // bit i: CPU i was prepared; its data and TSS stay as they are
static_assert(kMaxCpus <= 64);

volatile uint32_t& apic_register(uint64_t offset) {
  return *reinterpret_cast<volatile uint32_t*>(kLocalApicBase + offset);
}

// As the SDM's boot CPU does before it wakes the others (vol. 3A 8.4.4.1). KVM needs it
// too: it routes IPIs through a map of the APICs that it rebuilds when an APIC changes,
// and a vCPU created after the last rebuild is missing from it until then (the APs of a
// host that, unlike QEMU, never sets their APIC state). Interrupts stay off (IF 0).
void enable_local_apic() { apic_register(kSpuriousVector) = apic_register(kSpuriousVector) | kApicSoftwareEnable; }

// One IPI to one CPU; 0 once the APIC has sent it (KVM and QEMU never show it pending).
uint64_t send_ipi(uint64_t apic_id, uint32_t command) {
  if (apic_id > 0xFF) return kFailed;
  apic_register(kIcrHigh) = static_cast<uint32_t>(apic_id << 24);
  apic_register(kIcrLow) = command;
  for (unsigned poll = 0; poll < kIdlePolls; ++poll) {
    if (!(apic_register(kIcrLow) & kDeliveryPending)) return 0;
    asm volatile("pause");
  }
  return kFailed;
}

// The trampoline is in the ROM, 4 GiB away from this code: beyond a rel32, so take its
// 64-bit address.
void copy_trampoline() {
  const uint8_t *start, *end;
  asm("movabs $ap_trampoline, %0\n"
      "movabs $ap_trampoline_end, %1"
      : "=r"(start), "=r"(end));
  uint8_t* to = ap_trampoline_page;
  uint64_t count = static_cast<uint64_t>(end - start);
  asm volatile("rep movsb" : "+S"(start), "+D"(to), "+c"(count) : : "memory");
}

} // namespace

// CPU `index` is the one whose local APIC has that id (ap_long_mode_entry).
uint64_t prepare_cpu(uint64_t index) {
  if (index == 0 || index >= kMaxCpus || (g_prepared >> index & 1)) return kFailed;
  if (!g_prepared) {  // the first: the trampoline, no stack for anyone yet, the APIC on
    copy_trampoline();
    uint64_t* stacks = ap_parameters.stacks;
    uint64_t count = kMaxCpus;
    asm volatile("rep stosq" : "+D"(stacks), "+c"(count) : "a"(0ull) : "memory");
    uint64_t cr3;
    asm volatile("mov %%cr3, %0" : "=r"(cr3));
    ap_parameters.cr3 = static_cast<uint32_t>(cr3);  // the boot stub's tables, below 4 GiB
    enable_local_apic();
  }
  g_prepared |= 1ull << index;
  init_cpu_data(static_cast<unsigned>(index));
  protect_cpu_area(static_cast<unsigned>(index));
  PerCpu& cpu = cpu_data(static_cast<unsigned>(index));
  install_task_state(static_cast<unsigned>(index), cpu.kernel_stack_top, cpu.double_fault_stack_top);
  __atomic_store_n(&ap_parameters.stacks[index], cpu.kernel_stack_top, __ATOMIC_RELEASE);
  return reinterpret_cast<uint64_t>(ap_trampoline_page) >> 12;
}

uint64_t withdraw_cpu(uint64_t index) {
  if (index >= kMaxCpus) return 0;
  return __atomic_exchange_n(&ap_parameters.stacks[index], 0ull, __ATOMIC_ACQ_REL) ? index : 0;
}

// INIT (level assert) and STARTUP, as in the SDM's MP initialization (vol. 3A 8.4.4).
uint64_t send_init(uint64_t apic_id) { return send_ipi(apic_id, kDeliveryInit | kLevelAssert); }
uint64_t send_startup(uint64_t apic_id, uint64_t vector) {
  if (vector > 0xFF) return kFailed;
  return send_ipi(apic_id, kDeliveryStartup | kLevelAssert | static_cast<uint32_t>(vector));
}

} // namespace slotbox::guest
