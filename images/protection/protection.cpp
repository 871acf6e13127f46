// protection: the pages the runtime protects (slotbox/protection.h), probed at CPL3 on
// every CPU: page 0 is not mapped, the guard page under each stack is not mapped, the
// runtime's code and constants are read-only, the kernel's stack is out of reach; and the
// pages next to them are still there. Run it with --smp N (slotbox) or -smp N (QEMU) to
// probe the application processors' areas too.
#include "slotbox/guest.h"

using namespace slotbox::guest;

SLOTBOX_IMAGE("protection");

namespace {

constexpr uint64_t kPageFault = 14;
constexpr uint64_t kPage = 4096;

uint64_t g_writable = 1;  // .data: must stay writable

bool faults_as(FaultRecord fault, uint64_t address, uint64_t error) {
  return fault.vector == kPageFault && fault.address == address && fault.error == error;
}

// What one CPU found, one bit per probe: set when the probe went as it should.
enum Probe : unsigned {
  kKernelGuard = 1 << 0,
  kUserGuard = 1 << 1,
  kKernelStack = 1 << 2,
  kAboveUserGuard = 1 << 3,
};
constexpr unsigned kAllProbes = kKernelGuard | kUserGuard | kKernelStack | kAboveUserGuard;
unsigned g_probes[kMaxCpus];

void probe_own_pages() {
  RuntimePages pages = runtime_pages();
  unsigned passed = 0;
  if (faults_as(probe_read(pages.kernel_stack_guard), pages.kernel_stack_guard, kPfUser)) passed |= kKernelGuard;
  if (faults_as(probe_read(pages.user_stack_guard + 8), pages.user_stack_guard + 8, kPfUser)) passed |= kUserGuard;
  if (faults_as(probe_read(pages.kernel_stack), pages.kernel_stack, kPfUser | kPfPresent)) passed |= kKernelStack;
  if (!probe_read(pages.user_stack_guard + kPage).faulted()) passed |= kAboveUserGuard;
  g_probes[this_cpu()] = passed;
}

} // namespace

void image_main() {
  FaultRecord null_read = probe_read(0);
  CHECK(faults_as(null_read, 0, kPfUser), "a read of address 0 raises #PF (vector %lu, CR2 0x%lx, error 0x%lx)",
        null_read.vector, null_read.address, null_read.error);
  FaultRecord null_write = probe_write(kPage - 8, 1);
  CHECK(faults_as(null_write, kPage - 8, kPfUser | kPfWrite), "a write to the end of page 0 raises #PF (error 0x%lx)",
        null_write.error);
  CHECK(!probe_read(kPage).faulted(), "page 1 (0x1000) is mapped");

  RuntimePages pages = runtime_pages();
  uint64_t code = reinterpret_cast<uint64_t>(&image_main);
  CHECK(code >= pages.code_start && code < pages.code_end, "image_main 0x%lx lies in the code pages 0x%lx-0x%lx",
        code, pages.code_start, pages.code_end);
  FaultRecord code_write = probe_write(code, 0xCC);
  CHECK(faults_as(code_write, code, kPfUser | kPfWrite | kPfPresent),
        "a write to the runtime's code raises #PF (error 0x%lx)", code_write.error);
  FaultRecord constant_write = probe_write(pages.code_end - 8, 0);
  CHECK(faults_as(constant_write, pages.code_end - 8, kPfUser | kPfWrite | kPfPresent),
        "a write to the last code/constant page raises #PF (error 0x%lx)", constant_write.error);
  CHECK(!probe_write(reinterpret_cast<uint64_t>(&g_writable), 2).faulted() && g_writable == 2,
        "data after the code stays writable");

  unsigned cpus = start_cpus();
  on_each_cpu(probe_own_pages);
  unsigned all = 0;
  for (unsigned cpu = 0; cpu < cpus; ++cpu) all += g_probes[cpu] == kAllProbes;
  CHECK_EQ(all, cpus, "on %u CPU(s): the kernel and user stack guards fault, the kernel stack is CPL0's, "
                      "the user stack above its guard is there", cpus);
  for (unsigned cpu = 0; cpu < cpus; ++cpu)
    if (g_probes[cpu] != kAllProbes) print("# CPU %u: probes 0x%x of 0x%x went as they should\n", cpu, g_probes[cpu], kAllProbes);
}
