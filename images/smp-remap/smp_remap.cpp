// smp-remap: the map changes under CPUs that keep writing. Every CPU writes its own pages
// of a RAM window, a sequence number per page, each write to the page's next word and read
// back at once. Meanwhile CPU 0, between passes over its own pages, has the host lay an
// MMIO overlay just below or just above the window and take it away again, so that the
// RAM slot holding the window (and this code, and every stack) is split and re-joined, and
// fetches the window's dirty bitmap each time. Then: no write was lost (every read-back saw
// its write, every page holds its writer's last 512 values), and the bitmaps fetched since
// the writers started name every page written, also those CPU 0 wrote just before a slot
// it was in went away. With one CPU, CPU 0 writes between the map changes by itself.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("smp-remap");

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kWords = kPage / 8;
constexpr uint64_t kPagesPerCpu = 16;
constexpr uint64_t kWindowPages = kMaxCpus * kPagesPerCpu;
constexpr uint64_t kWindow = 0x3000000;  // 4 MiB of free low RAM at 48 MiB
constexpr uint64_t kWindowSize = kWindowPages * kPage;
constexpr unsigned kOverlayRounds = 6;   // each adds an overlay (below, above, below ...) and removes it
constexpr unsigned kMapChanges = 2 * kOverlayRounds;
// After each map change every other CPU makes two more passes, so one falls wholly after
// it; seconds at any TSC rate, for nested KVM under TCG with all CPUs on one.
constexpr uint64_t kProgressTicks = 10'000'000'000;

// Each CPU's own: the pages it writes are its alone, and so is this record of them.
struct alignas(64) Writer {
  bool active;                      // took part (arrived before the writing began)
  uint64_t sequence[kPagesPerCpu];  // the last sequence number written to each page
  uint64_t lost;                    // read-backs that did not see the write just made
  uint64_t first_lost;              // where the first was
  uint64_t passes;                  // over all its pages; CPU 0 watches it
};

// What CPU 0 saw of the map changes.
struct MapLog {
  unsigned accepted;  // overlay changes the host carried out
  unsigned shaped;    // times the window's slot then had the expected bounds
  unsigned fetched;   // dirty bitmaps fetched
  unsigned stalls;    // writers without two passes after a change, within kProgressTicks
};

Writer g_writers[kMaxCpus];
MapLog g_log;
bool g_stop;
uint8_t g_bitmap[kWindowPages / 8];
uint8_t g_dirty[kWindowPages / 8];  // every bitmap fetched since the writers started, or'ed

volatile uint64_t* word(unsigned cpu, uint64_t page, uint64_t sequence) {
  uint64_t address = kWindow + ((cpu * kPagesPerCpu + page) * kWords + sequence % kWords) * 8;
  return reinterpret_cast<volatile uint64_t*>(address);
}

uint64_t value(unsigned cpu, uint64_t page, uint64_t sequence) {
  return uint64_t{cpu + 1} << 56 | page << 48 | sequence;
}

void write_pass(unsigned cpu) {
  Writer& writer = g_writers[cpu];
  for (uint64_t page = 0; page < kPagesPerCpu; ++page) {
    uint64_t sequence = ++writer.sequence[page];
    volatile uint64_t* at = word(cpu, page, sequence);
    *at = value(cpu, page, sequence);
    if (*at != value(cpu, page, sequence) && writer.lost++ == 0) writer.first_lost = reinterpret_cast<uint64_t>(at);
  }
  __atomic_add_fetch(&writer.passes, 1, __ATOMIC_RELEASE);
}

uint64_t passes(unsigned cpu) { return __atomic_load_n(&g_writers[cpu].passes, __ATOMIC_ACQUIRE); }

HostReply dirty_log(abi::DirtyOp op) {
  return host_call(abi::HostOp::kDirtyLog, static_cast<uint64_t>(op), kWindow, kWindowSize,
                   reinterpret_cast<uint64_t>(g_bitmap), sizeof g_bitmap);
}

void fetch_dirty() {
  if (dirty_log(abi::DirtyOp::kFetch).ok()) ++g_log.fetched;
  for (uint64_t i = 0; i < sizeof g_dirty; ++i) g_dirty[i] |= g_bitmap[i];
}

// Change `number`: even ones add an overlay page, odd ones remove it; rounds alternate
// between just below and just above the window. Then the window's slot must start at the
// window, end with it, or reach past it on both sides.
void change_map(unsigned number) {
  if (!host_present()) return;
  bool add = number % 2 == 0, below = number / 2 % 2 == 0;
  uint64_t overlay = below ? kWindow - kPage : kWindow + kWindowSize;
  HostReply changed = host_call(abi::HostOp::kMmioOverlay, overlay, add ? kPage : 0, add ? 1 : 0);
  HostReply slot = host_call(abi::HostOp::kSlotAt, kWindow);
  uint64_t start = slot.value[1], end = slot.value[1] + slot.value[2];
  bool shaped = !add ? start < kWindow && end > kWindow + kWindowSize
                     : below ? start == kWindow && end > kWindow + kWindowSize
                             : start < kWindow && end == kWindow + kWindowSize;
  g_log.accepted += changed.ok();
  g_log.shaped += slot.ok() && slot.value[0] && shaped;
  fetch_dirty();
}

void wait_for_writers() {
  uint64_t target[kMaxCpus];
  for (unsigned cpu = 1; cpu < kMaxCpus; ++cpu) target[cpu] = passes(cpu) + 2;
  uint64_t start = read_tsc();
  for (unsigned cpu = 1; cpu < kMaxCpus; ++cpu) {
    if (!g_writers[cpu].active) continue;
    while (passes(cpu) < target[cpu] && read_tsc() - start < kProgressTicks) cpu_relax();
    g_log.stalls += passes(cpu) < target[cpu];
  }
}

// On every CPU. After the barrier the writers are known; CPU 0 changes the map and does
// not write after the last change, so its pages reach the last bitmap only if the host
// kept their dirty bits when it replaced the slot they were in.
void run() {
  unsigned cpu = this_cpu();
  g_writers[cpu].active = true;
  barrier();
  if (cpu != 0) {
    while (!__atomic_load_n(&g_stop, __ATOMIC_ACQUIRE)) write_pass(cpu);
    return;
  }
  for (unsigned number = 0; number < kMapChanges; ++number) {
    write_pass(0);
    change_map(number);
    wait_for_writers();
  }
  __atomic_store_n(&g_stop, true, __ATOMIC_RELEASE);
}

struct Written {
  unsigned writers;
  uint64_t writes, pages, pages_intact, pages_dirty;
};

// Each page written: its last min(sequence, 512) words are exactly its last writes.
Written survey_pages() {
  Written written{};
  for (unsigned cpu = 0; cpu < kMaxCpus; ++cpu) {
    const Writer& writer = g_writers[cpu];
    if (!writer.active) continue;
    ++written.writers;
    for (uint64_t page = 0; page < kPagesPerCpu; ++page) {
      uint64_t last = writer.sequence[page];
      if (last == 0) continue;
      written.writes += last;
      ++written.pages;
      bool intact = true;
      for (uint64_t sequence = last; sequence > 0 && last - sequence < kWords; --sequence)
        intact = intact && *word(cpu, page, sequence) == value(cpu, page, sequence);
      written.pages_intact += intact;
      uint64_t index = cpu * kPagesPerCpu + page;
      written.pages_dirty += (g_dirty[index / 8] >> (index % 8)) & 1;
    }
  }
  return written;
}

uint64_t lost_writes(uint64_t& first) {
  uint64_t lost = 0;
  first = 0;
  for (const Writer& writer : g_writers) {
    if (writer.lost && !lost) first = writer.first_lost;
    lost += writer.lost;
  }
  return lost;
}

} // namespace

void image_main() {
  unsigned count = cpu_count();
  unsigned online = start_cpus();
  CHECK_EQ(online, count, "all %u CPU(s) came up", count);

  bool host = host_present();
  if (host) {
    HostReply started = dirty_log(abi::DirtyOp::kStart);
    HostReply slot = host_call(abi::HostOp::kSlotAt, kWindow);
    CHECK(started.ok() && (slot.value[3] & abi::kSlotLogDirty),
          "dirty logging starts on the window, 4 MiB at 0x%lx (slot flags 0x%lx)", kWindow, slot.value[3]);
    fetch_dirty();  // whatever was written before: the writers start from a clean log
    g_log.fetched = 0;
    for (uint8_t& byte : g_dirty) byte = 0;
  } else {
    SKIP(kNoHostAssist, "dirty logging starts on the window");
  }

  on_each_cpu(run);
  if (host) fetch_dirty();

  Written written = survey_pages();
  CHECK(written.writers == online && g_log.stalls == 0,
        "%u CPU(s) wrote %lu times to %lu pages of their own through %u map changes, none stalling (%u stalls)",
        written.writers, written.writes, written.pages, kMapChanges, g_log.stalls);
  if (host) {
    CHECK(g_log.accepted == kMapChanges && g_log.shaped == kMapChanges,
          "an MMIO overlay next to the window came and went %u times, splitting and re-joining its slot "
          "(%u of %u done, %u slots as expected)",
          kOverlayRounds, g_log.accepted, kMapChanges, g_log.shaped);
  } else {
    SKIP(kNoHostAssist, "an MMIO overlay next to the window came and went, splitting and re-joining its slot");
  }
  uint64_t first_lost;
  uint64_t lost = lost_writes(first_lost);
  CHECK(lost == 0, "no write was lost: each read right after a write saw it (%lu lost, first at 0x%lx)", lost,
        first_lost);
  CHECK(written.pages > 0 && written.pages_intact == written.pages,
        "every page holds its writer's last %lu values (%lu of %lu pages)", kWords, written.pages_intact,
        written.pages);
  if (!host) {
    SKIP(kNoHostAssist, "the dirty bitmaps fetched since the writers started name every page written");
    SKIP(kNoHostAssist, "dirty logging stops");
    return;
  }
  CHECK(written.pages_dirty == written.pages,
        "the dirty bitmaps fetched since the writers started name every page written (%lu of %lu, %u fetches)",
        written.pages_dirty, written.pages, g_log.fetched);
  HostReply stopped = dirty_log(abi::DirtyOp::kStop);
  HostReply slot = host_call(abi::HostOp::kSlotAt, kWindow);
  CHECK(stopped.ok() && !(slot.value[3] & abi::kSlotLogDirty), "dirty logging stops (slot flags 0x%lx)",
        slot.value[3]);
}
