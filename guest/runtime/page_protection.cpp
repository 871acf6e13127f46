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
constexpr uint64_t kNotMapped = 0;
constexpr uint64_t kReadOnly = kPagePresent | kPageUser;
constexpr uint64_t kKernelOnly = kPagePresent | kPageWritable;
constexpr uint64_t kEntries = 512;
constexpr uint64_t kLargePage = kEntries * kPageSize;  // 2 MiB
constexpr uint64_t kPageFaultWrite = 1 << 1;            // error code bits (SDM vol. 3A 4.7)
constexpr uint64_t kPageFaultPresent = 1 << 0;
constexpr uint64_t kCr0WriteProtect = 1 << 16;

// The 4 KiB tables, one per 2 MiB page of the first 16 MiB (the runtime's: payload and CPU
// areas, linker/rom.ld), and GiB 0's directory where the boot stub mapped it as one 1 GiB
// page. In .stack: never zeroed, every entry is written before its table is used, and
// readable at CPL3, where images walk the tables.
constexpr uint64_t kSplitPages = 8;
alignas(kPageSize) __attribute__((section(".stack"))) uint64_t g_small_pages[kSplitPages][kEntries];
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

// Replaces the large page `entry` at `level` that maps `address` (GiB 0's 1 GiB page, or
// a 2 MiB page of the first 16 MiB) with a table of the pages one level down, and returns
// it. Until split, those pages are as the boot stub mapped them (identity, kTableFlags):
// the new table is a copy of the boot stub's entries for the same memory.
uint64_t* split(uint64_t& entry, int level, uint64_t address) {
  uint64_t* table = level == 2 ? g_first_gib : g_small_pages[address / kLargePage];
  copy_entries(table, level == 2 ? rom_low_directories : &rom_runtime_small_pages[address / kLargePage * kEntries],
               kEntries);
  entry = reinterpret_cast<uint64_t>(table) | kTableFlags;
  return table;
}

// The 4 KiB entry that maps `address` (in the first 16 MiB, always mapped: the runtime
// runs there), splitting the large pages above it the first time.
uint64_t& small_page_entry(uint64_t address) {
  PageWalk walk = walk_page_tables(read_cr3(), address);
  while (walk.level > 0) {
    uint64_t* table = split(*walk.entry, walk.level, address);
    walk = PageWalk{&table[page_table_index(address, walk.level - 1)], walk.level - 1};
  }
  return *walk.entry;
}

// A table at a time: one walk per 2 MiB, not one per page (each ~40 emulated instructions
// on PVM).
void set_pages(uint64_t start, uint64_t end, uint64_t flags) {
  for (uint64_t page = start & ~(kPageSize - 1); page < end;) {
    uint64_t* entry = &small_page_entry(page);
    uint64_t table_end = (page & ~(kLargePage - 1)) + kLargePage;
    for (; page < end && page < table_end; page += kPageSize) *entry++ = flags == kNotMapped ? 0 : page | flags;
  }
}

void unmap_guards(const PerCpu& cpu) {
  set_pages(cpu.kernel_stack_guard, cpu.kernel_stack_guard + kPageSize, kNotMapped);
  set_pages(cpu.user_stack_guard, cpu.user_stack_guard + kPageSize, kNotMapped);
}

bool on_page(uint64_t address, uint64_t page) { return address - page < kPageSize; }

} // namespace

void protect_boot_memory(const PerCpu& boot_cpu) {
  set_pages(0, kPageSize, kNotMapped);
  set_pages(reinterpret_cast<uint64_t>(__payload_start), reinterpret_cast<uint64_t>(__payload_data), kReadOnly);
  set_pages(reinterpret_cast<uint64_t>(__kernel_only_start), reinterpret_cast<uint64_t>(__kernel_only_end),
            kKernelOnly);
  unmap_guards(boot_cpu);
  enable_write_protect();
  flush_tlb();
}

void protect_cpu_area(unsigned index) {
  KernelPages kernel = ap_kernel_pages(index);
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
