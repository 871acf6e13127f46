// touch: first touches of guest pages. Write one word in every 4 KiB page of a window in
// low RAM and one in high RAM (64 MiB each; `slotbox run touch -- --window 256M`), timing
// first touch and re-touch per page with the TSC (also reported as metrics), and check with
// KVM's statistics what the backend does on a first touch, exactly as that backend does it
// (README, "Backends"):
//   - kvm_pvm (shadow paging) and TDP (NPT/EPT): one fault per mapping KVM creates, and
//     the mappings (4 KiB, or 2 MiB covering 512 pages) cover exactly the pages touched;
//   - KVM's shadow MMU on SVM/VMX: the mappings cover exactly the pages touched as well,
//     but a fault that maps 4 KiB also fills up to 7 neighbouring PTEs (PTE_PREFETCH_NUM
//     8), so those pages take pages/8 faults plus at most one per 2 MiB guest page
//     (measured: 2080 for 16384 pages), and a 2 MiB mapping (host THP) one fault each;
// and that re-touches hardly fault at all.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_TIMING_IMAGE("touch");  // cycles per page: not beside other jobs

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kLowWindow = 32ull << 20;  // above the payload, page tables and scratch use
constexpr uint64_t kHighWindow = 1ull << 32;
constexpr uint64_t kDefaultWindow = 64ull << 20;
constexpr uint64_t kPagesPer2MiB = 512;

constexpr uint64_t kPtePrefetch = 8;  // PTE_PREFETCH_NUM in Linux arch/x86/kvm/mmu/mmu.c

struct Counters {
  uint64_t pf_fixed, pf_taken, pages_4k, pages_2m;

  Counters operator-(const Counters& earlier) const {
    return {pf_fixed - earlier.pf_fixed, pf_taken - earlier.pf_taken, pages_4k - earlier.pages_4k,
            pages_2m - earlier.pages_2m};
  }
};

Counters counters() {
  return Counters{host_stat("pf_fixed"), host_stat("pf_taken"), host_stat("pages_4k"), host_stat("pages_2m")};
}

struct Backend {
  abi::MmuMode mmu = abi::MmuMode::kUnknown;
  abi::KvmModule module = abi::KvmModule::kUnknown;

  // KVM's own shadow MMU prefetches PTEs; PVM's does not (measured, docs/design.md §7).
  bool prefetches() const { return mmu == abi::MmuMode::kShadow && module != abi::KvmModule::kPvm; }
};

// Cycles for one pass writing the first word of every page.
uint64_t touch_pass(uint64_t base, uint64_t pages) {
  uint64_t start = read_tsc();
  for (uint64_t page = 0; page < pages; ++page) *reinterpret_cast<volatile uint64_t*>(base + page * kPage) = page;
  return read_tsc() - start;
}

// What one window measured, as metrics ("# metric low_ram.pages 16384 pages"): the numbers
// an experimenter compares across backends and runs, beside the checks that judge them.
void report_metrics(const char* key, uint64_t pages, uint64_t first_cycles, uint64_t again_cycles,
                    const Counters* touched) {
  char name[48];
  auto emit = [&](const char* what, uint64_t value, const char* unit) {
    format_to(name, sizeof name, "%s.%s", key, what);
    metric(name, value, unit);
  };
  emit("pages", pages, "pages");
  emit("first_touch", first_cycles, "cycles");
  emit("first_touch_per_page", first_cycles / pages, "cycles/page");
  emit("re_touch_per_page", again_cycles / pages, "cycles/page");
  if (!touched) return;  // no KVM statistics under QEMU
  emit("faults", touched->pf_fixed, "faults");
  emit("pages_4k", touched->pages_4k, "mappings");
  emit("pages_2m", touched->pages_2m, "mappings");
}

const char* mmu_name(const Backend& backend) {
  switch (backend.mmu) {
  case abi::MmuMode::kTdp:
    return backend.module == abi::KvmModule::kAmd ? "NPT" : backend.module == abi::KvmModule::kIntel ? "EPT" : "TDP";
  case abi::MmuMode::kShadow: return "shadow paging";
  default: return "unknown";
  }
}

const char* module_name(abi::KvmModule module) {
  switch (module) {
  case abi::KvmModule::kPvm: return "kvm_pvm";
  case abi::KvmModule::kIntel: return "kvm_intel";
  case abi::KvmModule::kAmd: return "kvm_amd";
  default: return "unknown module";
  }
}

// What first touches of `pages` pages did in KVM, checked as this backend behaves.
void check_first_touches(const char* name, uint64_t pages, const Counters& touched, const Backend& backend) {
  uint64_t covered = touched.pages_4k + kPagesPer2MiB * touched.pages_2m;
  if (backend.prefetches()) {
    uint64_t small = touched.pages_4k;
    uint64_t fewest = small / kPtePrefetch + touched.pages_2m, most = fewest + small / kPagesPer2MiB;
    CHECK(covered == pages && touched.pf_fixed >= fewest && touched.pf_fixed <= most,
          "%s: %s shadow MMU: %lu faults map %lu of %lu pages (pages_4k +%lu, up to 8 PTEs prefetched a fault; "
          "pages_2m +%lu; faults expected %lu-%lu)",
          name, module_name(backend.module), touched.pf_fixed, covered, pages, small, touched.pages_2m, fewest, most);
    return;
  }
  if (backend.mmu == abi::MmuMode::kUnknown) {
    CHECK(touched.pf_fixed >= pages / kPagesPer2MiB, "%s: first touches fault in KVM: pf_fixed +%lu for %lu pages",
          name, touched.pf_fixed, pages);
    return;
  }
  CHECK(touched.pf_fixed == touched.pages_4k + touched.pages_2m && covered == pages,
        "%s: %s %s: one fault per mapping: pf_fixed +%lu = pages_4k +%lu + pages_2m +%lu, covering %lu of %lu "
        "pages",
        name, module_name(backend.module), mmu_name(backend), touched.pf_fixed, touched.pages_4k,
        touched.pages_2m, covered, pages);
}

void touch_window(const char* name, const char* key, uint64_t base, uint64_t size, const Backend& backend) {
  uint64_t pages = size / kPage;
  bool host = host_present() && host_stat("pf_fixed") != ~0ull;
  Counters before = host ? counters() : Counters{};
  uint64_t first_cycles = touch_pass(base, pages);
  Counters middle = host ? counters() : Counters{};
  uint64_t again_cycles = touch_pass(base, pages);
  Counters after = host ? counters() : Counters{};
  uint64_t first = first_cycles / pages, again = again_cycles / pages;
  Counters touched = middle - before;
  report_metrics(key, pages, first_cycles, again_cycles, host ? &touched : nullptr);

  CHECK(again < first, "%s: %lu pages at 0x%lx: first touch %lu cycles/page, re-touch %lu", name, pages, base,
        first, again);
  if (!host) {
    SKIP(kNoHostAssist, "%s: first touches fault in KVM", name);
    SKIP(kNoHostAssist, "%s: re-touches hardly fault", name);
    return;
  }
  check_first_touches(name, pages, touched, backend);
  uint64_t refixed = after.pf_fixed - middle.pf_fixed;
  CHECK(refixed <= pages / 64, "%s: re-touches hardly fault: pf_fixed +%lu", name, refixed);
}

} // namespace

void image_main() {
  uint64_t window = parse_size(image_argument("--window"), kDefaultWindow) & ~(kPage - 1);
  if (window == 0) window = kDefaultWindow;
  Backend backend;
  if (host_present()) {
    HostReply reply = host_call(abi::HostOp::kBackend);
    backend = {static_cast<abi::MmuMode>(reply.value[0]), static_cast<abi::KvmModule>(reply.value[1])};
    CHECK(reply.ok() && backend.mmu != abi::MmuMode::kUnknown, "KVM's MMU: %s, %s", module_name(backend.module),
          mmu_name(backend));
  } else {
    SKIP(kNoHostAssist, "KVM's MMU");
  }
  CmosMemory cmos = read_cmos_memory();
  uint64_t low_room = cmos.low_ram() - kLowWindow;
  touch_window("low RAM", "low_ram", kLowWindow, window < low_room ? window : low_room, backend);
  if (cmos.high_ram() >= window) {
    touch_window("high RAM", "high_ram", kHighWindow, window, backend);
  } else {
    const char* reason = "less RAM above 4 GiB than the window";
    SKIP(reason, "high RAM: first touch slower than re-touch");
    SKIP(reason, "high RAM: first touches fault in KVM");
    SKIP(reason, "high RAM: re-touches hardly fault");
  }
}
