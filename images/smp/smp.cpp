// smp: every CPU the CMOS announces comes up (INIT, STARTUP, STARTUP through the local
// APIC) and runs like the boot CPU: long mode, CPL3, its own stacks and per-CPU data, the
// same memory. CPU i is the one whose local APIC has id i; CPUID must say the same id. A
// barrier holds, a spin lock serializes, checks from all CPUs at once come out whole, and
// a write into the read-only BIOS from each CPU is one MMIO exit at its address. Run it
// with --smp N (slotbox) or -smp N (QEMU), N = 1 to 64.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("smp");

extern "C" const char ROM_SIZE[];

namespace {

constexpr uint32_t kCpuidFeatures = 1;         // leaf 1: EBX[31:24] is the initial APIC id
constexpr uint64_t kLocalApicId = 0xFEE00020;  // the xAPIC's ID register, bits 31:24 (SDM vol. 3A 10.4.6)
constexpr unsigned kBarrierRounds = 8;
constexpr unsigned kLockedIncrements = 2000;
constexpr uint64_t kBiosProbeOffset = 0xA00;  // where each CPU writes into the BIOS, 8 bytes apart

// What each CPU found out about itself, and what it saw of the others.
struct alignas(64) Report {
  uint32_t runs;           // times the survey ran on this CPU
  uint32_t apic_id;        // CPUID's
  uint32_t local_apic_id;  // its local APIC's
  uint64_t efer;
  uint64_t cs;
  uint64_t stack;          // the address of a local: its user stack
  bool neighbour_seen;     // read back what the next CPU wrote
  unsigned barrier_misses; // rounds in which a barrier let it through too early
  bool bios_unchanged;     // its write into the BIOS changed nothing
  uint64_t bios_exits;     // MMIO write exits at its address, and in all of the BIOS
  uint64_t bios_area_exits;
};

Report g_reports[kMaxCpus];
uint64_t g_shared[kMaxCpus];
uint32_t g_arrivals;
SpinLock g_lock;
uint64_t g_locked_count;  // only touched under g_lock

uint32_t cpuid_apic_id() {
  uint32_t eax = kCpuidFeatures, ebx, ecx = 0, edx;
  asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  return ebx >> 24;
}

uint64_t current_cs() {
  uint16_t cs;
  asm volatile("mov %%cs, %0" : "=r"(cs));
  return cs;
}

uint64_t pattern(unsigned cpu) { return 0x5EED0000CAFE0000 | cpu; }

uint64_t bios_base() { return (1ull << 32) - reinterpret_cast<uint64_t>(ROM_SIZE); }

// Every CPU at once: who it is, where it runs, and one check of its own.
void survey() {
  unsigned cpu = this_cpu();
  Report& report = g_reports[cpu];
  volatile uint64_t local = 0;
  report.runs++;
  report.apic_id = cpuid_apic_id();
  report.local_apic_id = mmio_read<uint32_t>(kLocalApicId) >> 24;
  report.efer = kernel_call(KernelOp::kReadMsr, kMsrEfer);
  report.cs = current_cs();
  report.stack = reinterpret_cast<uint64_t>(&local);
  CHECK((report.efer & kEferLongModeActive) && (report.cs & 3) == 3 && report.apic_id == cpu &&
            report.local_apic_id == cpu,
        "CPU %u: long mode (EFER 0x%lx), CPL3 (cs 0x%lx), APIC id %u (CPUID), %u (local APIC)", cpu, report.efer,
        report.cs, report.apic_id, report.local_apic_id);
}

// Each CPU writes its value, and after a barrier reads the next CPU's.
void share(unsigned online) {
  unsigned cpu = this_cpu();
  *reinterpret_cast<volatile uint64_t*>(&g_shared[cpu]) = pattern(cpu);
  barrier();
  unsigned next = (cpu + 1) % online;
  g_reports[cpu].neighbour_seen = *reinterpret_cast<volatile uint64_t*>(&g_shared[next]) == pattern(next);
}

// Round r: every CPU arrives, then no CPU may see fewer than r * online arrivals.
void barrier_rounds(unsigned online) {
  unsigned misses = 0;
  for (unsigned round = 1; round <= kBarrierRounds; ++round) {
    __atomic_add_fetch(&g_arrivals, 1, __ATOMIC_RELAXED);
    barrier();
    if (__atomic_load_n(&g_arrivals, __ATOMIC_RELAXED) != round * online) ++misses;
    barrier();
  }
  g_reports[this_cpu()].barrier_misses = misses;
}

void locked_increments() {
  volatile uint64_t& count = g_locked_count;
  for (unsigned i = 0; i < kLockedIncrements; ++i) {
    LockGuard guard(g_lock);
    count = count + 1;
  }
}

uint64_t bios_writes(uint64_t start, uint64_t end) {
  return host_exit_count(abi::ExitKind::kMmio, start, end).value[1];
}

// One CPU after another (the others wait at the barrier, touching only RAM), each writes
// a byte of its own into the BIOS and counts the host's MMIO exits around it.
void bios_writes_in_turn(unsigned online) {
  unsigned cpu = this_cpu();
  Report& report = g_reports[cpu];
  uint64_t base = bios_base(), end = 1ull << 32;
  uint64_t address = base + kBiosProbeOffset + 8 * cpu;
  for (unsigned turn = 0; turn < online; ++turn) {
    barrier();
    if (turn != cpu) continue;
    bool host = host_present();
    uint8_t before = mmio_read<uint8_t>(address);
    uint64_t exits_before = host ? bios_writes(address, address + 1) : 0;
    uint64_t area_before = host ? bios_writes(base, end) : 0;
    mmio_write<uint8_t>(address, static_cast<uint8_t>(~before));
    report.bios_unchanged = mmio_read<uint8_t>(address) == before;
    report.bios_exits = host ? bios_writes(address, address + 1) - exits_before : 0;
    report.bios_area_exits = host ? bios_writes(base, end) - area_before : 0;
  }
  barrier();
}

// "0 1 2 3": one number per running CPU, as much as fits.
template <typename Field>
const char* list(unsigned online, Field field) {
  static char text[96];
  size_t length = 0;
  text[0] = '\0';
  for (unsigned cpu = 0; cpu < online && length + 24 < sizeof text; ++cpu)
    length += format_to(text + length, sizeof text - length, cpu ? " %lu" : "%lu", field(g_reports[cpu]));
  return text;
}

template <typename Predicate>
bool every_cpu(unsigned online, Predicate predicate) {
  for (unsigned cpu = 0; cpu < online; ++cpu)
    if (!predicate(g_reports[cpu])) return false;
  return true;
}

bool distinct(unsigned online, uint64_t (*field)(const Report&)) {
  for (unsigned a = 0; a < online; ++a)
    for (unsigned b = a + 1; b < online; ++b)
      if (field(g_reports[a]) == field(g_reports[b])) return false;
  return true;
}

} // namespace

void image_main() {
  unsigned count = cpu_count();
  CHECK(count >= 1 && count <= kMaxCpus, "the CMOS says %u CPU(s) (register 0x5F = %u)", count, count - 1);
  unsigned online = start_cpus();
  CHECK_EQ(online, count, "all %u CPU(s) came up (INIT, STARTUP, STARTUP)", count);
  CHECK_EQ(start_cpus(), online, "start_cpus() again starts none");

  unsigned checks_before = check_tally().passed + check_tally().failed;
  on_each_cpu(survey);
  unsigned checks = check_tally().passed + check_tally().failed - checks_before;
  CHECK(checks == online && every_cpu(online, [](const Report& r) { return r.runs == 1; }),
        "on_each_cpu ran once on each of CPUs 0..%u: %u check(s) from them at once, each counted once", online - 1,
        checks);
  CHECK(distinct(online, [](const Report& r) -> uint64_t { return r.apic_id; }), "the CPUs' APIC ids are distinct: %s",
        list(online, [](const Report& r) -> uint64_t { return r.apic_id; }));
  CHECK(distinct(online, [](const Report& r) -> uint64_t { return r.stack >> 12; }),
        "each CPU runs on its own stack");

  on_each_cpu([&] { share(online); });
  CHECK(every_cpu(online, [](const Report& r) { return r.neighbour_seen; }),
        "memory is shared: each CPU read what the next one wrote");
  on_each_cpu([&] { barrier_rounds(online); });
  CHECK(every_cpu(online, [](const Report& r) { return r.barrier_misses == 0; }),
        "a barrier holds: in %u rounds no CPU left before all %u arrived", kBarrierRounds, online);
  on_each_cpu(locked_increments);
  CHECK_EQ(g_locked_count, uint64_t{online} * kLockedIncrements, "a spin lock serializes %u CPU(s) x %u increments",
           online, kLockedIncrements);

  on_each_cpu([&] { bios_writes_in_turn(online); });
  CHECK(every_cpu(online, [](const Report& r) { return r.bios_unchanged; }),
        "a write into the BIOS from each of the %u CPU(s) leaves it unchanged", online);
  if (!host_present()) return SKIP(kNoHostAssist, "a write into the BIOS from each CPU is one MMIO exit there");
  CHECK(every_cpu(online, [](const Report& r) { return r.bios_exits == 1 && r.bios_area_exits == 1; }),
        "a write into the BIOS from each CPU is one MMIO exit there (exits: %s)",
        list(online, [](const Report& r) -> uint64_t { return r.bios_exits; }));
}
