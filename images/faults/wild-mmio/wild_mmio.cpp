// faults/wild-mmio: a guest that reads and writes unbacked guest-physical addresses all
// over the space: the MMIO hole and far above the end of RAM (up to 512 GiB), at every
// width, through a 4 KiB window it remaps for each address. Every read gives 0 and every
// write is dropped, as QEMU's pc does, and the host survives and counts the exits.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("faults/wild-mmio");

namespace {

constexpr uint64_t kPresentWritableUser = kPagePresent | kPageWritable | kPageUser;  // slotbox/page_tables.h
constexpr uint64_t kPage = 4096;
constexpr uint64_t kFourGiB = 1ull << 32;
constexpr uint64_t kTopOfSearch = 512ull << 30;  // within every x86-64 MAXPHYADDR
constexpr uint64_t kHoleDevices = 0xFEB00000;    // test device, then QEMU's IOAPIC, HPET, APIC
constexpr int kAccesses = 400;

// A 4 KiB window at 1 TiB (PML4 slot 2) whose one page the image points anywhere.
constexpr uint64_t kWindow = 1ull << 40;
alignas(4096) uint64_t g_pdpt[512];
alignas(4096) uint64_t g_pd[512];
alignas(4096) uint64_t g_pt[512];

void map_window() {
  uint64_t* pml4 = page_table_at(kernel_call(KernelOp::kReadCr3));
  pml4[page_table_index(kWindow, 3)] = reinterpret_cast<uint64_t>(g_pdpt) | kPresentWritableUser;
  g_pdpt[page_table_index(kWindow, 2)] = reinterpret_cast<uint64_t>(g_pd) | kPresentWritableUser;
  g_pd[page_table_index(kWindow, 1)] = reinterpret_cast<uint64_t>(g_pt) | kPresentWritableUser;
}

void point_window_at(uint64_t page) {
  g_pt[0] = page | kPresentWritableUser;
  kernel_call(KernelOp::kInvlpg, kWindow);
}

// An unbacked address: in the hole below the devices, or above the end of RAM.
uint64_t wild_address(uint64_t& state, uint64_t low, uint64_t high) {
  uint64_t above = kFourGiB + high;
  uint64_t r = next_random(state);
  if (r & 1) return low + r % (kHoleDevices - low);
  return above + r % (kTopOfSearch - above);
}

uint64_t read_width(uint64_t address, unsigned width) {
  switch (width) {
  case 1: return mmio_read<uint8_t>(address);
  case 2: return mmio_read<uint16_t>(address);
  case 4: return mmio_read<uint32_t>(address);
  default: return mmio_read<uint64_t>(address);
  }
}

void write_width(uint64_t address, unsigned width, uint64_t value) {
  switch (width) {
  case 1: return mmio_write<uint8_t>(address, static_cast<uint8_t>(value));
  case 2: return mmio_write<uint16_t>(address, static_cast<uint16_t>(value));
  case 4: return mmio_write<uint32_t>(address, static_cast<uint32_t>(value));
  default: return mmio_write<uint64_t>(address, value);
  }
}

} // namespace

void image_main() {
  CmosMemory cmos = read_cmos_memory();
  map_window();
  HostReply before = host_exit_count(abi::ExitKind::kReason, abi::kExitReasonMmio, 0);
  uint64_t state = 0x2545F4914F6CDD1D, nonzero = 0, kept = 0, first_odd = 0;
  for (int i = 0; i < kAccesses; ++i) {
    uint64_t address = wild_address(state, cmos.low_ram(), cmos.high_ram());
    unsigned width = 1u << (next_random(state) % 4);
    uint64_t offset = (address % kPage) & ~uint64_t{width - 1};  // aligned: stays in the page
    point_window_at(address & ~(kPage - 1));
    if (read_width(kWindow + offset, width) != 0 && !nonzero++) first_odd = address;
    write_width(kWindow + offset, width, next_random(state));
    if (read_width(kWindow + offset, width) != 0) ++kept;
  }
  CHECK(nonzero == 0, "%d reads of unbacked addresses up to 512 GiB read 0 (%lu did not, first 0x%lx)", kAccesses,
        nonzero, first_odd);
  CHECK_EQ(kept, 0, "%d writes there are dropped", kAccesses);
  if (!host_present()) return SKIP(kNoHostAssist, "the host saw every access as an MMIO exit");
  HostReply after = host_exit_count(abi::ExitKind::kReason, abi::kExitReasonMmio, 0);
  uint64_t exits = after.value[0] - before.value[0];
  CHECK_EQ(exits, 3 * kAccesses, "the host saw every access as an MMIO exit (%lu)", exits);
}
