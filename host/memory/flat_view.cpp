#include "host/memory/flat_view.h"

#include "host/memory/region.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <memory_resource>

namespace slotbox::memory {
namespace {

// An alias of a target's far end placed low puts the target's start below address 0, so
// region starts are computed in 128 bits (as QEMU does with Int128).
using WideAddress = __int128;

Range intersect(const Range& clip, WideAddress start, uint64_t size) {
  WideAddress low = std::max<WideAddress>(clip.start, start);
  WideAddress high = std::min<WideAddress>(clip.end(), start + size);
  if (high <= low) return Range{clip.start, 0};
  return Range{static_cast<uint64_t>(low), static_cast<uint64_t>(high - low)};
}

// Renders a tree the way QEMU's render_memory_region() does: subregions in priority
// order, highest first, and a terminal region only fills the parts of its range that
// nothing of higher priority claimed. A container claims nothing itself, so what its
// children leave uncovered falls through to lower-priority siblings.
class Renderer {
public:
  void render(const Region& region, WideAddress base, Range clip, bool readonly) {
    if (!region.enabled()) return;
    WideAddress start = base + region.address();
    clip = intersect(clip, start, region.size());
    if (clip.empty()) return;
    readonly = readonly || region.readonly();

    switch (region.kind()) {
    case RegionKind::kAlias: {
      // The alias shows target offsets [alias_offset, alias_offset + size) at `start`.
      const Region& target = *region.alias_target();
      render(target, start - region.alias_offset() - target.address(), clip, readonly);
      return;
    }
    case RegionKind::kContainer:
      for (const Region* child : region.subregions()) render(*child, start, clip, readonly);
      return;
    default:
      fill_gaps(region, start, clip, readonly);
    }
  }

  std::vector<FlatRange> ranges() && {
    std::vector<FlatRange> merged;
    merged.reserve(m_ranges.size());
    for (auto& [start, range] : m_ranges) {
      if (!merged.empty() && mergeable(merged.back(), range))
        merged.back().range.size += range.range.size;
      else
        merged.push_back(range);
    }
    return merged;
  }

private:
  static bool mergeable(const FlatRange& left, const FlatRange& right) {
    return left.range.end() == right.range.start && left.region == right.region &&
           left.offset + left.range.size == right.offset && left.readonly == right.readonly &&
           left.dirty_logging == right.dirty_logging;
  }

  // Inserts the parts of `clip` not yet covered.
  void fill_gaps(const Region& region, WideAddress region_start, Range clip, bool readonly) {
    uint64_t cursor = clip.start;
    // The first claimed range that could overlap clip starts at or before clip.start.
    auto next = m_ranges.upper_bound(clip.start);
    if (next != m_ranges.begin()) {
      auto previous = std::prev(next);
      cursor = std::max(cursor, previous->second.range.end());
    }
    while (cursor < clip.end()) {
      uint64_t gap_end = clip.end();
      if (next != m_ranges.end()) gap_end = std::min(gap_end, next->first);
      if (gap_end > cursor) {
        // The piece goes right before `next`: with it as the hint the insertion costs no search.
        Range piece{cursor, gap_end - cursor};
        m_ranges.emplace_hint(next, cursor, FlatRange{piece, const_cast<Region*>(&region),
                                                      static_cast<uint64_t>(cursor - region_start),
                                                      readonly, region.dirty_logging()});
      }
      if (next == m_ranges.end()) break;
      cursor = std::max(cursor, next->second.range.end());
      ++next;
    }
  }

  // The ranges claimed so far, in one arena freed as a whole with the renderer: a node
  // allocation and free per range was a third of a commit's instructions (callgrind).
  std::pmr::monotonic_buffer_resource m_arena;
  std::pmr::map<uint64_t, FlatRange> m_ranges{&m_arena};
};

} // namespace

FlatView FlatView::render(const Region& root) {
  Renderer renderer;
  renderer.render(root, 0, Range{0, root.address() + root.size()}, false);
  FlatView view;
  view.m_ranges = std::move(renderer).ranges();
  return view;
}

const std::vector<FlatRange>& FlatView::ranges() const { return m_ranges; }

const FlatRange* FlatView::find(uint64_t address) const {
  return span_at(address).flat;
}

FlatView::Span FlatView::span_at(uint64_t address) const {
  auto after = std::upper_bound(m_ranges.begin(), m_ranges.end(), address,
                                [](uint64_t a, const FlatRange& range) { return a < range.range.start; });
  uint64_t gap_start = 0;
  if (after != m_ranges.begin()) {
    const FlatRange& before = *std::prev(after);
    if (before.range.contains(address)) return {before.range, &before};
    gap_start = before.range.end();
  }
  uint64_t gap_end = after == m_ranges.end() ? UINT64_MAX : after->range.start;
  if (address >= gap_end) return {Range{address, 0}, nullptr};  // only an unmapped UINT64_MAX
  return {Range{gap_start, gap_end - gap_start}, nullptr};
}

} // namespace slotbox::memory
