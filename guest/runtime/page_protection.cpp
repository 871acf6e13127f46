// What the runtime's page tables forbid, so that a bug in an image faults at once with a
// line that names it instead of reading zeroes or overwriting the runtime: page 0 is not
// mapped (a null pointer), each stack has an unmapped guard page under it (an overflow),
// the runtime's code and constants are read-only at CPL3 and the kernel's stacks and
// tables are out of CPL3's reach. The boot stub maps everything with 2 MiB (or 1 GiB)
// pages, user-writable; the 2 MiB pages that need finer rules are split into 4 KiB pages
// here, at CPL0, before any CPL3 code runs. Everything else stays as the boot stub made it:
// images may still map pages of their own (images/paging).
#include "page_protection.h"

#include "per_cpu.h"
#include "slotbox/page_tables.h"

extern "C" uint8_t __payload_start[], __payload_data[];         // linker/rom.ld
extern "C" uint8_t __kernel_only_start[], __kernel_only_end[];
// The boot stub's identity entries, in the ROM (long_mode.asm): GiB 0's 2 MiB pages, and
// the first 16 MiB's 4 KiB pages, kSplitPages tables of kEntries.
extern "C" const uint64_t* const rom_low_directories;
extern "C" const uint64_t* const rom_runtime_small_pages;

namespace slotbox::guest {
namespace {

constexpr uint64_t kTableFlags = kPagePresent | kPageWritable | kPageUser;
constexpr uint64_t kReadOnly = kPagePresent | kPageUser;
constexpr uint64_t kKernelOnly = kPagePresent | kPageWritable;
constexpr uint64_t kEntries = 512;
constexpr uint64_t kLargePageSize = kEntries * kPageSize;
constexpr uint64_t kPageFaultWrite = 1 << 1;            // error code bits (SDM vol. 3A 4.7)
constexpr uint64_t kPageFaultPresent = 1 << 0;
constexpr uint64_t kCr0WriteProtect = 1 << 16;

// GiB 0's page directory, in place of the boot stub's 1 GiB page or directory, and the 4
// KiB tables, one per 2 MiB page of the first 16 MiB (the runtime's: payload and CPU
// areas, linker/rom.ld), side by side, so that page N's entry is g_small_pages[N] once
// its 2 MiB page is split. In .stack: never zeroed, every entry is written before its
// table is used, and readable at CPL3, where images walk the tables.
constexpr uint64_t kSplitPages = 8;
alignas(kPageSize) __attribute__((section(".stack"))) uint64_t g_small_pages[kSplitPages * kEntries];
alignas(kPageSize) __attribute__((section(".stack"))) uint64_t g_first_gib[kEntries];

uint64_t read_cr3() {
  uint64_t cr3;
  asm volatile("mov %%cr3, %0" : "=r"(cr3));
  return cr3;
}

// Drops every translation the CPU cached, the boot stub's 2 MiB pages included.
void flush_tlb() { asm volatile("mov %0, %%cr3" ::"r"(read_cr3()) : "memory"); }

// Kernel writes obey read-only pages too, so the kernel cannot scribble over the code either.
void enable_write_protect() {
  uint64_t cr0;
  asm volatile("mov %%cr0, %0" : "=r"(cr0));
  asm volatile("mov %0, %%cr0" ::"r"(cr0 | kCr0WriteProtect) : "memory");
}

// One `rep movsq`: on PVM a single emulated instruction (KVM's emulator repeats a string
// instruction without going back to the guest), where a loop costs ~7 per entry.
void copy_entries(uint64_t* to, const uint64_t* from, uint64_t count) {
  asm volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(count) : : "memory");
}

// GiB 0 through g_first_gib, a copy of the boot stub's 2 MiB entries for it, whether the
// boot stub mapped it with those or with one 1 GiB page: from here on a 2 MiB page's
// entry has a fixed place, and no protection needs a walk of the tables (each ~40
// emulated instructions on PVM).
void take_over_first_gib() {
  copy_entries(g_first_gib, rom_low_directories, kEntries);
  uint64_t* pdpt = page_table_at(page_table_at(read_cr3())[0]);
  pdpt[0] = reinterpret_cast<uint64_t>(g_first_gib) | kTableFlags;
}

// Entries [first, last] get value, value + step, ...: a loop of 5 instructions an entry.
void fill_entries(uint64_t* first, uint64_t* last, uint64_t value, uint64_t step) {
  for (uint64_t* entry = first; entry <= last; ++entry, value += step) *entry = value;
}

// 2 MiB pages [first, last] as 4 KiB pages: one copy of the boot stub's identity entries
// for the same memory, then their directory entries.
void split(uint64_t first, uint64_t last) {
  copy_entries(&g_small_pages[first * kEntries], &rom_runtime_small_pages[first * kEntries],
               (last - first + 1) * kEntries);
  fill_entries(&g_first_gib[first], &g_first_gib[last],
               reinterpret_cast<uint64_t>(&g_small_pages[first * kEntries]) | kTableFlags, sizeof(uint64_t) * kEntries);
}

// Pages [start, end) of split 2 MiB pages (never empty: each is a stack or a linker
// section that holds something) get `flags`. The tables lie side by side, so the range's
// entries do too, and each protected page costs one turn of fill_entries at CPL0.
void set_pages(uint64_t start, uint64_t end, uint64_t flags) {
  fill_entries(&g_small_pages[start / kPageSize], &g_small_pages[(end - 1) / kPageSize],
               (start & ~(kPageSize - 1)) | flags, kPageSize);
}

void unmap_page(uint64_t address) { g_small_pages[address / kPageSize] = 0; }

void unmap_guards(const PerCpu& cpu) {
  unmap_page(cpu.kernel_stack_guard);
  unmap_page(cpu.user_stack_guard);
}

bool on_page(uint64_t address, uint64_t page) { return address - page < kPageSize; }

} // namespace

void protect_boot_memory(const PerCpu& boot_cpu) {
  take_over_first_gib();
  // The runtime's own memory, from page 0 through the boot CPU's stacks, split at once:
  // where it is is known from the link, so no protection has to ask.
  split(0, (reinterpret_cast<uint64_t>(__kernel_only_end) - 1) / kLargePageSize);
  unmap_page(0);
  set_pages(reinterpret_cast<uint64_t>(__payload_start), reinterpret_cast<uint64_t>(__payload_data), kReadOnly);
  set_pages(reinterpret_cast<uint64_t>(__kernel_only_start), reinterpret_cast<uint64_t>(__kernel_only_end),
            kKernelOnly);
  unmap_guards(boot_cpu);
  enable_write_protect();
  flush_tlb();
}

void protect_cpu_area(unsigned index) {
  KernelPages kernel = ap_kernel_pages(index);
  // The CPU's 64 KiB area lies in one 2 MiB page, which another CPU may have split already.
  uint64_t large_page = kernel.start / kLargePageSize;
  if (g_first_gib[large_page] & kPageLarge) split(large_page, large_page);
  set_pages(kernel.start, kernel.end, kKernelOnly);
  unmap_guards(cpu_data(index));
  flush_tlb();
}

const char* fault_cause(const PerCpu& cpu, uint64_t vector, uint64_t error_code, uint64_t address) {
  constexpr uint64_t kDoubleFault = 8, kPageFault = 14;
  if (vector != kPageFault && vector != kDoubleFault) return nullptr;
  // A #DF here is a #PF the CPU could not deliver: on the kernel stack's guard page.
  if (on_page(address, cpu.kernel_stack_guard)) return "kernel stack overflow";
  if (vector != kPageFault) return nullptr;
  if (on_page(address, cpu.user_stack_guard)) return "stack overflow";
  if (address < kPageSize) return "null pointer dereference";
  bool code = address - reinterpret_cast<uint64_t>(__payload_start) <
              static_cast<uint64_t>(__payload_data - __payload_start);
  if (code && (error_code & (kPageFaultWrite | kPageFaultPresent)) == (kPageFaultWrite | kPageFaultPresent))
    return "write to the runtime's code or constants";
  return nullptr;
}

RuntimePages runtime_pages() {
  const PerCpu& cpu = current_cpu();
  return RuntimePages{reinterpret_cast<uint64_t>(__payload_start), reinterpret_cast<uint64_t>(__payload_data),
                      cpu.kernel_stack_top - kPageSize, cpu.kernel_stack_guard, cpu.user_stack_guard};
}

} // namespace slotbox::guest
