// Several CPUs, at CPL3: counting them, starting them (the waits of the SDM's INIT,
// STARTUP, STARTUP sequence around the kernel calls of cpu_start.cpp), handing them work,
// and the barrier. Everything a CPU waits for here it waits for with `pause`, at CPL3.
#include "slotbox/smp.h"

#include "per_cpu.h"
#include "slotbox/abi.h"
#include "slotbox/cmos.h"
#include "slotbox/console.h"
#include "slotbox/kernel_call.h"

namespace slotbox::guest {
namespace {

// Waits in TSC ticks, uncalibrated: no TSC runs faster than 4 GHz, so a wait counted at
// 4000 ticks per microsecond is at least as long as the SDM asks (vol. 3A 8.4.4.1: 10 ms
// after INIT, 200 us after each STARTUP). KVM and QEMU would do without them: they keep
// INIT and STARTUP as pending events and take them in order.
constexpr uint64_t kTicksPerMicrosecond = 4000;
constexpr uint64_t kInitDelay = 10'000 * kTicksPerMicrosecond;
constexpr uint64_t kStartupDelay = 200 * kTicksPerMicrosecond;
// The CPUs must all check in within this, seconds at any TSC rate: nested KVM under TCG
// takes its time, and so do many vCPUs on few host CPUs. One that took its stack just as
// the wait ended is on its way and gets kLateCheckIn more.
constexpr uint64_t kCheckInTime = 10'000'000'000;
constexpr uint64_t kLateCheckIn = 1'000'000'000;

struct Work {
  void (*function)(void*) = nullptr;
  void* argument = nullptr;
  uint64_t generation = 0;  // raised by on_each_cpu(): the signal to go
  uint32_t finished = 0;    // CPUs other than 0 done with this generation
};

struct Barrier {
  uint32_t arrived = 0;
  uint32_t generation = 0;
};

unsigned g_cpu_count = 0;
bool g_started = false;
uint32_t g_online = 1;
Work g_work;
Barrier g_barrier;

void wait_ticks(uint64_t ticks) {
  uint64_t start = read_tsc();
  while (read_tsc() - start < ticks) cpu_relax();
}

bool online(unsigned index) { return __atomic_load_n(&cpu_data(index).online, __ATOMIC_ACQUIRE); }

bool before(uint64_t deadline) { return static_cast<int64_t>(read_tsc() - deadline) < 0; }

// Until CPUs 1 .. count - 1 have all checked in, or the deadline has passed.
void wait_online(unsigned count, uint64_t deadline) {
  for (unsigned index = 1; index < count; ++index)
    while (!online(index) && before(deadline)) cpu_relax();
}

// CPU i is the one with APIC id i (ap_long_mode_entry): slotbox gives vCPU i APIC id i,
// and QEMU numbers the CPUs of a flat -smp N the same way.
uint64_t apic_id(unsigned index) { return index; }

// A CPU that has not checked in: its stack is withdrawn, so that it cannot come later;
// if it took the stack just before, it is on its way and gets another wait.
bool came_late(unsigned index) {
  if (kernel_call(KernelOp::kWithdrawCpu, index) == index) return false;
  uint64_t deadline = read_tsc() + kLateCheckIn;
  while (!online(index) && before(deadline)) cpu_relax();
  return online(index);
}

} // namespace

unsigned cpu_count() {
  if (!g_cpu_count) {
    unsigned count = read_cmos(abi::cmos::kCpuCountMinusOne) + 1u;
    g_cpu_count = count < kMaxCpus ? count : kMaxCpus;
  }
  return g_cpu_count;
}

unsigned this_cpu() {
  uint32_t index;
  asm("movl %%gs:%c1, %0" : "=r"(index) : "i"(kPerCpuIndexOffset));
  return index;
}

// All at once, as in the SDM's MP initialization (vol. 3A 8.4.4): INIT to each CPU, then
// STARTUP, then STARTUP again; each then finds its own stack and checks in at CPL3.
unsigned start_cpus() {
  if (g_started) return g_online;
  g_started = true;
  unsigned count = cpu_count();
  if (count == 1) return g_online;
  uint64_t vector = ~0ull;
  for (unsigned index = 1; index < count; ++index) vector = kernel_call(KernelOp::kPrepareCpu, index);
  for (unsigned index = 1; index < count; ++index) kernel_call(KernelOp::kSendInit, apic_id(index));
  wait_ticks(kInitDelay);
  for (int startup = 0; startup < 2; ++startup) {  // a CPU already running ignores the second
    for (unsigned index = 1; index < count; ++index) kernel_call(KernelOp::kSendStartup, apic_id(index), vector);
    wait_ticks(kStartupDelay);
  }
  wait_online(count, read_tsc() + kCheckInTime);
  unsigned online_count = 1;
  for (unsigned index = 1; index < count; ++index) {
    if (online(index) || came_late(index)) ++online_count;
    else print("# CPU %u (APIC id %lu) did not come up: no check-in within the wait\n", index, apic_id(index));
  }
  g_online = online_count;
  return g_online;
}

void on_each_cpu(void (*function)(void*), void* argument) {
  g_work.function = function;
  g_work.argument = argument;
  __atomic_store_n(&g_work.finished, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&g_work.generation, g_work.generation + 1, __ATOMIC_RELEASE);
  function(argument);
  while (__atomic_load_n(&g_work.finished, __ATOMIC_ACQUIRE) < g_online - 1) cpu_relax();
}

// A central barrier: the last CPU to arrive starts the next generation. Each CPU reads
// the generation before it arrives, so it cannot miss the change.
void barrier() {
  uint32_t generation = __atomic_load_n(&g_barrier.generation, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&g_barrier.arrived, 1, __ATOMIC_ACQ_REL) == g_online) {
    __atomic_store_n(&g_barrier.arrived, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&g_barrier.generation, generation + 1, __ATOMIC_RELEASE);
    return;
  }
  while (__atomic_load_n(&g_barrier.generation, __ATOMIC_ACQUIRE) == generation) cpu_relax();
}

} // namespace slotbox::guest

// Where every CPU but 0 goes at CPL3 (kernel.cpp): check in, then run each generation of
// work once. It notes the generation before checking in, so work handed out later is new.
extern "C" [[noreturn]] void ap_user_start() {
  using namespace slotbox::guest;
  uint64_t seen = __atomic_load_n(&g_work.generation, __ATOMIC_ACQUIRE);
  __atomic_store_n(&current_cpu().online, 1, __ATOMIC_RELEASE);
  for (;;) {
    uint64_t generation = __atomic_load_n(&g_work.generation, __ATOMIC_ACQUIRE);
    if (generation == seen) {
      cpu_relax();
      continue;
    }
    seen = generation;
    g_work.function(g_work.argument);
    __atomic_add_fetch(&g_work.finished, 1, __ATOMIC_RELEASE);
  }
}
