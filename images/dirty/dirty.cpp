// dirty: dirty logging on a RAM range. After the guest writes a pseudo-random set of
// pages, the host's bitmap (KVM_GET_DIRTY_LOG) is exactly that set; fetching clears it,
// and a second round is again exactly its own set.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;

SLOTBOX_IMAGE("dirty");

namespace {

constexpr uint64_t kRange = 0x1000000;        // 16 MiB of free low RAM
constexpr uint64_t kPages = 4096;
constexpr uint64_t kPage = 4096;
constexpr unsigned kWritesPerRound = 300;

uint8_t g_expected[kPages / 8];
uint8_t g_bitmap[kPages / 8];

unsigned write_round(uint64_t seed) {
  for (auto& byte : g_expected) byte = 0;
  uint64_t state = seed;
  for (unsigned i = 0; i < kWritesPerRound; ++i) {
    uint64_t page = next_random(state) % kPages;
    *reinterpret_cast<volatile uint64_t*>(kRange + page * kPage + (state % 512) * 8) = state;
    g_expected[page / 8] |= static_cast<uint8_t>(1u << (page % 8));
  }
  unsigned distinct = 0;
  for (uint8_t byte : g_expected)
    for (; byte; byte &= byte - 1) ++distinct;  // no libgcc: count bits by hand
  return distinct;
}

HostReply fetch() {
  return host_call(abi::HostOp::kDirtyLog, static_cast<uint64_t>(abi::DirtyOp::kFetch), kRange,
                   kPages * kPage, reinterpret_cast<uint64_t>(g_bitmap), sizeof g_bitmap);
}

bool bitmap_matches() {
  for (uint64_t i = 0; i < sizeof g_bitmap; ++i)
    if (g_bitmap[i] != g_expected[i]) return false;
  return true;
}

void round(int number, uint64_t seed) {
  unsigned written = write_round(seed);
  uint64_t start = read_tsc();
  HostReply reply = fetch();
  uint64_t fetch_cycles = read_tsc() - start;
  // What the round measured: pages written, pages the host found dirty, and how long the
  // host call that fetched (and cleared) the bitmap took.
  char name[32];
  format_to(name, sizeof name, "round%d.pages_written", number);
  metric(name, written, "pages");
  format_to(name, sizeof name, "round%d.pages_dirty", number);
  metric(name, reply.value[0], "pages");
  format_to(name, sizeof name, "round%d.fetch", number);
  metric(name, fetch_cycles, "cycles");
  CHECK(reply.ok() && bitmap_matches(), "round %d: the dirty bitmap is exactly the %u pages written (host: %lu)",
        number, written, reply.value[0]);
}

} // namespace

void image_main() {
  if (!host_present()) {
    SKIP(kNoHostAssist, "dirty logging starts on 16 MiB of RAM");
    SKIP(kNoHostAssist, "round 1: the dirty bitmap is exactly the pages written");
    SKIP(kNoHostAssist, "fetching cleared the bitmap");
    SKIP(kNoHostAssist, "round 2: the dirty bitmap is exactly the pages written");
    SKIP(kNoHostAssist, "dirty logging stops");
    return;
  }
  HostReply started = host_call(abi::HostOp::kDirtyLog, static_cast<uint64_t>(abi::DirtyOp::kStart), kRange,
                                kPages * kPage);
  HostReply slot = host_call(abi::HostOp::kSlotAt, kRange);
  CHECK(started.ok() && (slot.value[3] & abi::kSlotLogDirty), "dirty logging starts on 16 MiB of RAM (slot flags 0x%lx)",
        slot.value[3]);
  fetch();  // whatever the guest wrote before, e.g. nothing: start from a clean log
  round(1, 0x9E3779B97F4A7C15);
  HostReply empty = fetch();
  CHECK(empty.ok() && empty.value[0] == 0, "fetching cleared the bitmap (%lu pages left)", empty.value[0]);
  round(2, 0xD1B54A32D192ED03);
  HostReply stopped = host_call(abi::HostOp::kDirtyLog, static_cast<uint64_t>(abi::DirtyOp::kStop), kRange,
                                kPages * kPage);
  slot = host_call(abi::HostOp::kSlotAt, kRange);
  CHECK(stopped.ok() && !(slot.value[3] & abi::kSlotLogDirty), "dirty logging stops (slot flags 0x%lx)", slot.value[3]);
}
