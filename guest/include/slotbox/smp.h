// Several CPUs. The runtime boots on CPU 0 alone; an image that wants the others calls
// start_cpus(), which wakes them through the local APIC (INIT, STARTUP, STARTUP). Each
// then runs at CPL3 like CPU 0, with its own stacks, TSS and per-CPU data, and waits for
// work: on_each_cpu() runs a function on every CPU at once. CHECK, SKIP and print() may
// be used from any CPU; each line comes out whole.
//
//   start_cpus();
//   on_each_cpu([] { CHECK(this_cpu() < cpu_count(), "CPU %u runs", this_cpu()); });
#pragma once

#include <stdint.h>

namespace slotbox::guest {

inline constexpr unsigned kMaxCpus = 64;

// CPUs the machine has: CMOS register 0x5F + 1, as QEMU's pc and slotbox's --smp set it.
unsigned cpu_count();
// This CPU's index: 0 for the boot CPU, 1 .. cpu_count() - 1 for the others. It is the
// CPU's local APIC id: CPU i is the one start_cpus() wakes with IPIs to APIC id i.
unsigned this_cpu();
// Starts the other CPUs, once; later calls start nothing. Returns how many CPUs run, CPU 0
// included. A CPU that does not check in within a few seconds is left out, named on the
// console ("# CPU 3 (APIC id 3) did not come up ..."): the image's checks then fail.
// From CPU 0, outside on_each_cpu().
unsigned start_cpus();
// Runs function(argument) on every running CPU, CPU 0 included, and returns once all have
// returned. From CPU 0, outside on_each_cpu(); before start_cpus(), on CPU 0 alone.
void on_each_cpu(void (*function)(void*), void* argument);
// Inside on_each_cpu()'s function: returns once every running CPU has called it as often.
void barrier();

// on_each_cpu() with a plain function, or any callable: on_each_cpu([&] { ... }).
inline void on_each_cpu(void (*function)()) {
  on_each_cpu([](void* plain) { reinterpret_cast<void (*)()>(plain)(); }, reinterpret_cast<void*>(function));
}
template <typename Function>
void on_each_cpu(Function&& function) {
  using Callable = decltype(&function);  // a pointer to it, const or not
  on_each_cpu([](void* callable) { (*static_cast<Callable>(callable))(); },
              const_cast<void*>(static_cast<const void*>(&function)));
}

inline void cpu_relax() { asm volatile("pause" ::: "memory"); }

inline uint64_t read_tsc() {
  uint32_t low, high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return uint64_t{high} << 32 | low;
}

// A lock for data several CPUs share. It knows its holder, so a CPU that crashes while
// holding the console's lock can still report.
class SpinLock {
public:
  void lock() {
    while (!try_lock()) {
      while (__atomic_load_n(&m_holder, __ATOMIC_RELAXED)) cpu_relax();
    }
  }
  bool try_lock() {
    uint32_t free = 0;
    return __atomic_compare_exchange_n(&m_holder, &free, this_cpu() + 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
  }
  void unlock() { __atomic_store_n(&m_holder, 0, __ATOMIC_RELEASE); }
  bool held_by_this_cpu() const { return __atomic_load_n(&m_holder, __ATOMIC_RELAXED) == this_cpu() + 1; }

private:
  uint32_t m_holder = 0;  // 1 + the holder's index, or 0
};

class LockGuard {
public:
  explicit LockGuard(SpinLock& lock) : m_lock(lock) { m_lock.lock(); }
  ~LockGuard() { m_lock.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

private:
  SpinLock& m_lock;
};

} // namespace slotbox::guest
