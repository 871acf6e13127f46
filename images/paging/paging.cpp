// paging: the guest's own page tables. Walk them from CR3 and check every entry the boot
// stub built; compare the walk with the host's KVM_TRANSLATE for 1024 addresses; map a new
// 4 KiB window onto low and high RAM at run time and use it; and a non-present page faults
// into the guest's own #PF handler with the right CR2 and error code.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("paging");

namespace {

constexpr uint64_t kTableFlags = kPagePresent | kPageWritable | kPageUser;
constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t k2MiB = 1ull << 21;
constexpr uint64_t kPage = 4096;
constexpr int kTranslations = 1024;

// A new 4 KiB window, far from the identity map: PML4 slot 1 (512 GiB).
constexpr uint64_t kWindow = 512 * kGiB;
alignas(4096) uint64_t g_window_pdpt[512];
alignas(4096) uint64_t g_window_pd[512];
alignas(4096) uint64_t g_window_pt[512];

struct Walk {
  bool present;
  uint64_t physical;
  int leaf_level;  // 0: 4 KiB, 1: 2 MiB, 2: 1 GiB
};

// The guest's translation of `address` through the page tables at `cr3`: the runtime's
// walk (slotbox/page_tables.h), the one its page protections use.
Walk walk(uint64_t address, uint64_t cr3) {
  PageWalk found = walk_page_tables(cr3, address);
  if (!found.present()) return Walk{false, 0, found.level};
  uint64_t size = page_size_at(found.level);
  return Walk{true, (*found.entry & kPageAddressMask & ~(size - 1)) | (address & (size - 1)), found.level};
}

uint64_t gib_mapped() {
  uint64_t high = read_cmos_memory().high_ram();
  return 4 + (high + kGiB - 1) / kGiB;
}

// Every entry of the boot tables: PML4[0], then per GiB a 1 GiB leaf or a directory of
// 2 MiB leaves, identity-mapped, present, writable and user-accessible; except that the
// runtime split the 2 MiB pages of the first 16 MiB that it protects into 4 KiB pages
// (slotbox/protection.h), where page 0 and CPU 0's stack guards are not mapped.
void check_boot_tables() {
  uint64_t cr3 = kernel_call(KernelOp::kReadCr3);
  uint64_t* pml4 = page_table_at(cr3);
  CHECK((pml4[0] & kTableFlags) == kTableFlags, "PML4[0] at 0x%lx is present, writable, user (0x%lx)", cr3, pml4[0]);
  uint64_t* pdpt = page_table_at(pml4[0]);
  uint64_t gibs = gib_mapped(), leaves = 0, bad = 0, large_gib = 0, small = 0, unmapped = 0;
  bool page_zero_mapped = true;
  for (uint64_t gib = 0; gib < gibs; ++gib) {
    uint64_t entry = pdpt[gib];
    if ((entry & kTableFlags) != kTableFlags) ++bad;
    if (entry & kPageLarge) {
      ++large_gib;
      ++leaves;
      if ((entry & kPageAddressMask) != gib * kGiB) ++bad;
      continue;
    }
    uint64_t* directory = page_table_at(entry);
    for (uint64_t i = 0; i < 512; ++i) {
      uint64_t leaf = directory[i], base = gib * kGiB + i * k2MiB;
      if (gib == 0 && i < 8 && !(leaf & kPageLarge)) {  // split by the runtime
        if ((leaf & kTableFlags) != kTableFlags) ++bad;
        uint64_t* pages = page_table_at(leaf);
        for (uint64_t page = 0; page < 512; ++page) {
          if (!(pages[page] & kPagePresent)) {
            ++unmapped;
            if (base + page == 0) page_zero_mapped = false;
            continue;
          }
          ++leaves;
          ++small;
          if ((pages[page] & kPageAddressMask) != base + page * kPage) ++bad;
        }
        continue;
      }
      ++leaves;
      if ((leaf & (kTableFlags | kPageLarge)) != (kTableFlags | kPageLarge) || (leaf & kPageAddressMask) != base) ++bad;
    }
  }
  bool nothing_beyond = pdpt[gibs] == 0 && pml4[1] == 0;
  CHECK(bad == 0 && nothing_beyond,
        "the boot tables identity-map %lu GiB: %lu leaves (%lu of 1 GiB, %lu of 4 KiB, the rest 2 MiB), %lu wrong",
        gibs, leaves, large_gib, small, bad);
  CHECK(!page_zero_mapped && unmapped == 3,
        "of the 4 KiB pages only page 0 and CPU 0's two stack guards are not mapped (%lu unmapped)", unmapped);
}

void check_against_host() {
  if (!host_present()) return SKIP(kNoHostAssist, "guest walk equals KVM_TRANSLATE for %d addresses", kTranslations);
  uint64_t span = gib_mapped() * kGiB, state = 0x853C49E6748FEA9B;
  uint64_t cr3 = kernel_call(KernelOp::kReadCr3);  // each kernel call is a trap: read it once
  int agree = 0, asked = 0;
  uint64_t first_disagreement = 0;
  for (int i = 0; i < kTranslations; ++i, ++asked) {
    uint64_t address = next_random(state) % span;
    Walk mine = walk(address, cr3);
    HostReply host = host_call(abi::HostOp::kTranslate, address);
    bool same = host.ok() && mine.present == (host.value[1] != 0) && (!mine.present || mine.physical == host.value[0]);
    if (same) ++agree;
    else if (!first_disagreement) first_disagreement = address;
  }
  CHECK_EQ(agree, asked, "guest walk equals KVM_TRANSLATE for %d addresses (first disagreement at 0x%lx)", asked,
           first_disagreement);
}

void map_window_page(uint64_t page, uint64_t physical) {
  uint64_t* pml4 = page_table_at(kernel_call(KernelOp::kReadCr3));
  pml4[page_table_index(kWindow, 3)] = reinterpret_cast<uint64_t>(g_window_pdpt) | kTableFlags;
  g_window_pdpt[page_table_index(kWindow, 2)] = reinterpret_cast<uint64_t>(g_window_pd) | kTableFlags;
  g_window_pd[page_table_index(kWindow, 1)] = reinterpret_cast<uint64_t>(g_window_pt) | kTableFlags;
  g_window_pt[page] = physical | kTableFlags;
  kernel_call(KernelOp::kInvlpg, kWindow + page * kPage);
}

void check_new_mappings() {
  CmosMemory cmos = read_cmos_memory();
  uint64_t low_target = 0x500000;
  uint64_t high_target = cmos.high_ram() ? (1ull << 32) + 0x1000 : 0x501000;
  map_window_page(0, low_target);
  map_window_page(1, high_target);
  auto* window = reinterpret_cast<volatile uint64_t*>(kWindow);
  *reinterpret_cast<volatile uint64_t*>(low_target) = 0x10101010;
  *reinterpret_cast<volatile uint64_t*>(high_target) = 0x20202020;
  CHECK(window[0] == 0x10101010 && window[kPage / 8] == 0x20202020,
        "a new 4 KiB window at 0x%lx reads low RAM 0x%lx and RAM 0x%lx", kWindow, low_target, high_target);
  window[1] = 0x3333;
  Walk w = walk(kWindow + kPage + 8, kernel_call(KernelOp::kReadCr3));
  CHECK(*reinterpret_cast<volatile uint64_t*>(low_target + 8) == 0x3333 && w.present && w.leaf_level == 0 &&
            w.physical == high_target + 8,
        "writes through the window land in RAM; the walk sees a 4 KiB leaf");
  map_window_page(0, 0x502000);  // remap the same page: invlpg must drop the old translation
  *reinterpret_cast<volatile uint64_t*>(0x502000) = 0x4444;
  CHECK_EQ(window[0], 0x4444, "after remapping and invlpg the window shows the new page");
}

void check_page_fault() {
  uint64_t unmapped = kWindow + 5 * kPage + 0x123;  // PT entry 5 was never written
  FaultRecord read = probe_read(unmapped);
  CHECK(read.vector == 14 && read.address == unmapped && read.error == kPfUser,
        "a read of unmapped 0x%lx raises #PF (vector %lu, CR2 0x%lx, error 0x%lx)", unmapped, read.vector,
        read.address, read.error);
  FaultRecord write = probe_write(unmapped + 8, 1);
  CHECK(write.vector == 14 && write.address == unmapped + 8 && write.error == (kPfUser | kPfWrite),
        "a write raises #PF with the write bit (error 0x%lx)", write.error);
  g_window_pt[6] = 0x503000 | kPagePresent | kPageUser;  // present, read-only
  kernel_call(KernelOp::kInvlpg, kWindow + 6 * kPage);
  FaultRecord readonly = probe_write(kWindow + 6 * kPage, 1);
  CHECK(readonly.vector == 14 && readonly.error == (kPfUser | kPfWrite | kPfPresent),
        "a write to a read-only page raises #PF with the present bit (error 0x%lx)", readonly.error);
  FaultRecord fine = probe_read(kWindow + 6 * kPage);
  CHECK(!fine.faulted(), "a read of the same read-only page does not fault");
}

} // namespace

void image_main() {
  check_boot_tables();
  check_against_host();
  check_new_mappings();
  check_page_fault();
}
