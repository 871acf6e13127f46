// touch: first touches of guest pages. Write one word in every 4 KiB page of a window in
// low RAM and one in high RAM (64 MiB each; `slotbox run touch -- --window 256M`), timing
// first touch and re-touch per page with the TSC, and check with KVM's statistics that
// page faults rose by at least one per page first touched (one per 512 where KVM maps
// 2 MiB) and hardly at all on re-touch. Which MMU KVM uses decides what a fault costs.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("touch");

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kLowWindow = 32ull << 20;  // above the payload, page tables and scratch use
constexpr uint64_t kHighWindow = 1ull << 32;
constexpr uint64_t kDefaultWindow = 64ull << 20;
constexpr uint64_t kPagesPer2MiB = 512;

uint64_t rdtsc() {
  uint32_t low, high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return uint64_t{high} << 32 | low;
}

struct Counters {
  uint64_t pf_fixed, pf_taken, pages_4k, pages_2m;
};

Counters counters() {
  return Counters{host_stat("pf_fixed"), host_stat("pf_taken"), host_stat("pages_4k"), host_stat("pages_2m")};
}

// Cycles per page for one pass writing the first word of every page.
uint64_t touch_pass(uint64_t base, uint64_t pages) {
  uint64_t start = rdtsc();
  for (uint64_t page = 0; page < pages; ++page) *reinterpret_cast<volatile uint64_t*>(base + page * kPage) = page;
  return (rdtsc() - start) / pages;
}

const char* mmu_name(uint64_t mode) {
  switch (static_cast<abi::MmuMode>(mode)) {
  case abi::MmuMode::kTdp: return "TDP (EPT/NPT)";
  case abi::MmuMode::kShadow: return "shadow paging";
  default: return "unknown";
  }
}

void touch_window(const char* name, uint64_t base, uint64_t size) {
  uint64_t pages = size / kPage;
  bool host = host_present() && host_stat("pf_fixed") != ~0ull;
  Counters before = host ? counters() : Counters{};
  uint64_t first = touch_pass(base, pages);
  Counters middle = host ? counters() : Counters{};
  uint64_t again = touch_pass(base, pages);
  Counters after = host ? counters() : Counters{};

  CHECK(again < first, "%s: %lu pages at 0x%lx: first touch %lu cycles/page, re-touch %lu", name, pages, base,
        first, again);
  if (!host) {
    SKIP(kNoHostAssist, "%s: first touches fault in KVM", name);
    SKIP(kNoHostAssist, "%s: re-touches hardly fault", name);
    return;
  }
  uint64_t fixed = middle.pf_fixed - before.pf_fixed;
  uint64_t large = middle.pages_2m - before.pages_2m;
  uint64_t expected = large ? pages / kPagesPer2MiB : pages;
  CHECK(fixed >= expected,
        "%s: first touches fault in KVM: pf_fixed +%lu, pf_taken +%lu, pages_4k +%lu, pages_2m +%lu (>= %lu)", name,
        fixed, middle.pf_taken - before.pf_taken, middle.pages_4k - before.pages_4k, large, expected);
  uint64_t refixed = after.pf_fixed - middle.pf_fixed;
  CHECK(refixed <= pages / 64, "%s: re-touches hardly fault: pf_fixed +%lu", name, refixed);
}

} // namespace

void image_main() {
  uint64_t window = parse_size(image_argument("--window"), kDefaultWindow) & ~(kPage - 1);
  if (window == 0) window = kDefaultWindow;
  if (host_present()) {
    HostReply backend = host_call(abi::HostOp::kBackend);
    CHECK(backend.ok() && backend.value[0] != 0, "KVM's MMU: %s", mmu_name(backend.value[0]));
  } else {
    SKIP(kNoHostAssist, "KVM's MMU");
  }
  CmosMemory cmos = read_cmos_memory();
  uint64_t low_room = cmos.low_ram() - kLowWindow;
  touch_window("low RAM", kLowWindow, window < low_room ? window : low_room);
  if (cmos.high_ram() >= window) {
    touch_window("high RAM", kHighWindow, window);
  } else {
    const char* reason = "less RAM above 4 GiB than the window";
    SKIP(reason, "high RAM: first touch slower than re-touch");
    SKIP(reason, "high RAM: first touches fault in KVM");
    SKIP(reason, "high RAM: re-touches hardly fault");
  }
}
