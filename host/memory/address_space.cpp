#include "host/memory/address_space.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace slotbox::memory {
namespace {

const FlatRange* at_same_start(const std::vector<FlatRange>& sorted, const FlatRange& range) {
  auto found = std::lower_bound(sorted.begin(), sorted.end(), range.range.start,
                                [](const FlatRange& r, uint64_t start) { return r.range.start < start; });
  return found != sorted.end() && found->range.start == range.range.start ? &*found : nullptr;
}

bool contains(const std::vector<FlatRange>& sorted, const FlatRange& range) {
  const FlatRange* found = at_same_start(sorted, range);
  return found && *found == range;
}

// The same range of the same region, differing only in dirty logging.
bool only_logging_differs(const std::vector<FlatRange>& sorted, const FlatRange& range) {
  const FlatRange* found = at_same_start(sorted, range);
  if (!found) return false;
  FlatRange toggled = range;
  toggled.dirty_logging = !toggled.dirty_logging;
  return *found == toggled;
}

// Deletions first, so a slot id or gpa freed by this commit can be reused by its additions.
// A range whose only change is dirty logging gets log_start/log_stop instead. A listener
// hears no more of this diff after its first failure: the rest may depend on what failed.
Result<void> tell(Listener& listener, const FlatView& old_view, const FlatView& new_view) {
  const auto& before = old_view.ranges();
  const auto& after = new_view.ranges();
  for (const FlatRange& range : before)
    if (!contains(after, range) && !only_logging_differs(after, range))
      SLOTBOX_TRY_VOID(listener.region_del(range));
  for (const FlatRange& range : after) {
    if (contains(before, range)) continue;
    if (!only_logging_differs(before, range))
      SLOTBOX_TRY_VOID(listener.region_add(range));
    else if (range.dirty_logging)
      SLOTBOX_TRY_VOID(listener.log_start(range));
    else
      SLOTBOX_TRY_VOID(listener.log_stop(range));
  }
  return {};
}

uint64_t truncated(uint64_t value, unsigned size) {
  return size >= 8 ? value : value & ((uint64_t{1} << (size * 8)) - 1);
}

} // namespace

AddressSpace::AddressSpace(std::string name, Region& root, uint64_t unassigned_read)
    : m_name(std::move(name)), m_root(root), m_unassigned_read(unassigned_read),
      m_view(FlatView::render(root)) {}

Result<void> AddressSpace::add_listener(Listener& listener) {
  m_listeners.push_back(&listener);
  return tell(listener, FlatView{}, m_view);
}

void AddressSpace::remove_listener(Listener& listener) { std::erase(m_listeners, &listener); }

// Every listener hears the change even when an earlier one failed: they are independent.
Result<void> AddressSpace::commit() {
  if (--m_depth > 0) return {};
  FlatView old_view = std::exchange(m_view, FlatView::render(m_root));
  m_last_span = {};  // it pointed into the old view
  Result<void> outcome;
  for (Listener* listener : m_listeners) {
    Result<void> told = tell(*listener, old_view, m_view);
    if (!told && outcome) outcome = std::move(told);
  }
  return outcome;
}

const FlatView& AddressSpace::view() const { return m_view; }
const AccessCounters& AddressSpace::counters() const { return m_counters; }

// An access that straddles ranges is cut as QEMU cuts it (flatview_read_continue,
// memory_access_size): at each range boundary, and each piece into the largest power of
// two that fits and that its offset in the region is aligned to. So a 4-byte write of
// 0x12345678 at port 0xF2 reaches the exit device at 0xF4 as one 2-byte write of 0x1234.
unsigned AddressSpace::piece_size(uint64_t address, unsigned remaining) const {
  const FlatRange* range = m_view.find(address);
  uint64_t boundary = UINT64_MAX;
  if (range) {
    boundary = range->range.end();
  } else {
    for (const FlatRange& next : m_view.ranges())
      if (next.range.start > address) {
        boundary = next.range.start;
        break;
      }
  }
  uint64_t size = std::min<uint64_t>(remaining, boundary - address);
  bool memory = range && range->region->kind() != RegionKind::kMmio;
  if (memory) return static_cast<unsigned>(size);  // RAM and ROM: one copy of any size
  uint64_t offset = range ? range->offset + (address - range->range.start) : address;
  if (offset) size = std::min(size, offset & -offset);
  return static_cast<unsigned>(std::bit_floor(size));
}

// The rest of an access once m_last_span is where it falls (inlined into both callers).
[[gnu::always_inline]] inline uint64_t AddressSpace::read_in_span(uint64_t address, unsigned size) {
  const FlatView::Span& span = m_last_span;
  if (span.range.end() - address < size) return read_straddling(span, address, size);
  if (span.flat) return read_range(*span.flat, address, size);
  ++m_counters.unassigned_reads;
  return truncated(m_unassigned_read, size);
}

[[gnu::always_inline]] inline void AddressSpace::write_in_span(uint64_t address, unsigned size, uint64_t value) {
  const FlatView::Span& span = m_last_span;
  if (span.range.end() - address < size) return write_straddling(span, address, size, value);
  if (span.flat) return write_range(*span.flat, address, size, value);
  ++m_counters.unassigned_writes;
}

// An access outside the last span searches the view first. Out of line (noinline) and
// reached by a tail call, like the straddling accesses below: read and write then keep
// nothing across a call, and the hit needs no saved registers or stack frame (callgrind:
// 10 of the 32 instructions of an unassigned port write were pushes and pops). Not a
// retry of read/write: an unmapped UINT64_MAX gets an empty span, which holds nothing.
uint64_t AddressSpace::read_after_search(uint64_t address, unsigned size) {
  m_last_span = m_view.span_at(address);
  return read_in_span(address, size);
}

void AddressSpace::write_after_search(uint64_t address, unsigned size, uint64_t value) {
  m_last_span = m_view.span_at(address);
  write_in_span(address, size, value);
}

uint64_t AddressSpace::read(uint64_t address, unsigned size) {
  if (!m_last_span.range.contains(address)) return read_after_search(address, size);
  return read_in_span(address, size);
}

void AddressSpace::write(uint64_t address, unsigned size, uint64_t value) {
  if (!m_last_span.range.contains(address)) return write_after_search(address, size, value);
  write_in_span(address, size, value);
}

// Out of line (noinline), so that the loop's registers and stack do not weigh on the
// common access that fits in one range or gap.
uint64_t AddressSpace::read_straddling(const FlatView::Span& span, uint64_t address, unsigned size) {
  if (!span.flat && !m_view.find(address + size - 1)) {  // starts and ends unmapped: unassigned as a whole
    ++m_counters.unassigned_reads;
    return truncated(m_unassigned_read, size);
  }
  // The access straddles ranges: its pieces, assembled little-endian.
  uint64_t value = 0;
  for (unsigned done = 0; done < size;) {
    unsigned piece = piece_size(address + done, size - done);
    value |= read(address + done, piece) << (8 * done);
    done += piece;
  }
  return value;
}

void AddressSpace::write_straddling(const FlatView::Span& span, uint64_t address, unsigned size, uint64_t value) {
  if (!span.flat && !m_view.find(address + size - 1)) {
    ++m_counters.unassigned_writes;
    return;
  }
  for (unsigned done = 0; done < size;) {
    unsigned piece = piece_size(address + done, size - done);
    write(address + done, piece, truncated(value >> (8 * done), piece));
    done += piece;
  }
}

uint64_t AddressSpace::read_range(const FlatRange& range, uint64_t address, unsigned size) {
  uint64_t offset = range.offset + (address - range.range.start);
  if (range.region->kind() == RegionKind::kMmio) return range.region->handler()->read(offset, size);
  uint64_t value = 0;
  std::memcpy(&value, range.region->host() + offset, size);
  return value;
}

void AddressSpace::write_range(const FlatRange& range, uint64_t address, unsigned size,
                               uint64_t value) {
  uint64_t offset = range.offset + (address - range.range.start);
  if (range.region->kind() == RegionKind::kMmio)
    return range.region->handler()->write(offset, size, truncated(value, size));
  if (range.readonly) {
    ++m_counters.rom_writes_dropped;
    return;
  }
  std::memcpy(range.region->host() + offset, &value, size);
}

} // namespace slotbox::memory
