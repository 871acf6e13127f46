#include "host/machine/host_assist_ops.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>

namespace slotbox::machine {
namespace {

using abi::HostOp;
using abi::HostRequest;
using abi::HostStatus;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kMaxNameLength = 64;
constexpr uint64_t kMaxDirtyRange = 64ull << 30;  // one bitmap covers at most 64 GiB
static_assert(abi::kExitReasonIo == KVM_EXIT_IO && abi::kExitReasonMmio == KVM_EXIT_MMIO);

HostAnswer refused(HostStatus status) { return HostAnswer{status, {}}; }

// What a host-side failure tells the guest: its request made no sense, the host cannot do
// it here, or the host tried and KVM said no.
HostStatus status_of(const Error& error) {
  switch (error.kind) {
  case ErrorKind::kBadInput: return HostStatus::kBadArgument;
  case ErrorKind::kUnavailable: return HostStatus::kUnavailable;
  case ErrorKind::kSystem: return HostStatus::kFailed;
  }
  return HostStatus::kFailed;
}

HostAnswer answer_of(const Result<void>& done) { return done ? HostAnswer{} : refused(status_of(done.error())); }

// Each operation's arguments, decoded from HostRequest::args by decode(), which refuses
// (nullopt: kBadArgument) what cannot be valid whatever the machine's state.

struct StatArgs {  // kStat
  std::string name;
  static std::optional<StatArgs> decode(const HostRequest& request, const PcMemoryMap& map) {
    uint64_t gpa = request.args[0], length = request.args[1];
    if (length > kMaxNameLength) return std::nullopt;
    const char* text = reinterpret_cast<const char*>(map.guest_ram(gpa, length));
    if (!text) return std::nullopt;
    return StatArgs{std::string(text, strnlen(text, length))};
  }
};

struct TranslateArgs {  // kTranslate
  uint64_t gva;
  static std::optional<TranslateArgs> decode(const HostRequest& request, const PcMemoryMap&) {
    return TranslateArgs{request.args[0]};
  }
};

struct ExitCountArgs {  // kExitCount
  abi::ExitKind kind;
  uint64_t start = 0;   // kPortIo, kMmio: [start, end)
  uint64_t end = 0;
  uint32_t reason = 0;  // kReason: a KVM exit reason
  static std::optional<ExitCountArgs> decode(const HostRequest& request, const PcMemoryMap&) {
    auto kind = static_cast<abi::ExitKind>(request.args[0]);
    uint64_t start = request.args[1], end = request.args[2];
    switch (kind) {
    case abi::ExitKind::kPortIo:
    case abi::ExitKind::kMmio:
      if (end < start) return std::nullopt;
      return ExitCountArgs{kind, start, end, 0};
    case abi::ExitKind::kReason:
      if (start > std::numeric_limits<uint32_t>::max()) return std::nullopt;
      return ExitCountArgs{kind, 0, 0, static_cast<uint32_t>(start)};
    }
    return std::nullopt;
  }
};

struct MmioOverlayArgs {  // kMmioOverlay; removal needs only gpa
  uint64_t gpa;
  uint64_t size;
  bool add;
  static std::optional<MmioOverlayArgs> decode(const HostRequest& request, const PcMemoryMap&) {
    return MmioOverlayArgs{request.args[0], request.args[1], request.args[2] != 0};
  }
};

struct RamAliasArgs {  // kRamAlias; removal needs only gpa
  uint64_t gpa;
  uint64_t ram_offset;
  uint64_t size;
  bool add;
  static std::optional<RamAliasArgs> decode(const HostRequest& request, const PcMemoryMap&) {
    return RamAliasArgs{request.args[0], request.args[1], request.args[2], request.args[3] != 0};
  }
};

struct BiosWritableArgs {  // kBiosWritable
  bool writable;
  static std::optional<BiosWritableArgs> decode(const HostRequest& request, const PcMemoryMap&) {
    return BiosWritableArgs{request.args[0] != 0};
  }
};

struct DirtyLogArgs {  // kDirtyLog
  abi::DirtyOp op;
  memory::Range range;         // whole pages of guest-physical space
  std::span<uint8_t> bitmap;   // kFetch: one bit per page of range, in guest RAM
  static std::optional<DirtyLogArgs> decode(const HostRequest& request, const PcMemoryMap& map) {
    auto op = static_cast<abi::DirtyOp>(request.args[0]);
    memory::Range range{request.args[1], request.args[2]};
    if (op != abi::DirtyOp::kStart && op != abi::DirtyOp::kFetch && op != abi::DirtyOp::kStop) return std::nullopt;
    if (range.start % kPage || range.size % kPage || range.empty() || range.size > kMaxDirtyRange)
      return std::nullopt;
    if (op != abi::DirtyOp::kFetch) return DirtyLogArgs{op, range, {}};
    uint64_t bitmap_bytes = (range.size / kPage + 7) / 8;
    if (request.args[4] < bitmap_bytes) return std::nullopt;
    uint8_t* bitmap = map.guest_ram(request.args[3], request.args[4]);
    if (!bitmap) return std::nullopt;
    return DirtyLogArgs{op, range, std::span(bitmap, bitmap_bytes)};
  }
};

struct SlotAtArgs {  // kSlotAt
  uint64_t gpa;
  static std::optional<SlotAtArgs> decode(const HostRequest& request, const PcMemoryMap&) {
    return SlotAtArgs{request.args[0]};
  }
};

struct BackendArgs {  // kBackend
  static std::optional<BackendArgs> decode(const HostRequest&, const PcMemoryMap&) { return BackendArgs{}; }
};

struct ArgumentsArgs {  // kArguments
  std::span<uint8_t> buffer;  // in guest RAM
  static std::optional<ArgumentsArgs> decode(const HostRequest& request, const PcMemoryMap& map) {
    uint8_t* buffer = map.guest_ram(request.args[0], request.args[1]);
    if (!buffer) return std::nullopt;
    return ArgumentsArgs{std::span(buffer, request.args[1])};
  }
};

// The operations, one per argument type.

HostAnswer perform(const StatArgs& args, HostAssistContext& context) {
  Result<StatReading> reading = context.read_stat(args.name);
  if (!reading) return refused(status_of(reading.error()));
  return {HostStatus::kOk, {reading->value, static_cast<uint64_t>(reading->owner)}};
}

HostAnswer perform(const TranslateArgs& args, HostAssistContext& context) {
  Result<kvm_translation> translation = context.translate(args.gva);
  if (!translation) return refused(status_of(translation.error()));
  return {HostStatus::kOk,
          {translation->physical_address, translation->valid, translation->writeable, translation->usermode}};
}

HostAnswer perform(const ExitCountArgs& args, HostAssistContext& context) {
  if (args.kind == abi::ExitKind::kReason) return {HostStatus::kOk, {context.exits.of_reason(args.reason)}};
  AccessCount count = args.kind == abi::ExitKind::kPortIo ? context.exits.ports(args.start, args.end)
                                                          : context.exits.mmio(args.start, args.end);
  return {HostStatus::kOk, {count.reads, count.writes}};
}

HostAnswer perform(const MmioOverlayArgs& args, HostAssistContext& context) {
  return answer_of(args.add ? context.changes.add_mmio_overlay(args.gpa, args.size) : context.changes.remove(args.gpa));
}

HostAnswer perform(const RamAliasArgs& args, HostAssistContext& context) {
  return answer_of(args.add ? context.changes.add_ram_alias(args.gpa, args.ram_offset, args.size)
                            : context.changes.remove(args.gpa));
}

HostAnswer perform(const BiosWritableArgs& args, HostAssistContext& context) {
  return answer_of(context.changes.set_bios_writable(args.writable));
}

// The pages of `region` KVM saw written since the last fetch, as bits over args.range: the
// region may show in several places (aliases), and only pages shown inside the range count.
HostAnswer fill_dirty_bitmap(const DirtyLogArgs& args, const memory::Region& region, HostAssistContext& context) {
  Result<std::vector<uint64_t>> dirty = context.slots.dirty_pages(region);
  if (!dirty) return refused(status_of(dirty.error()));
  std::ranges::fill(args.bitmap, 0);
  uint64_t set = 0;
  for (const memory::FlatRange& shown : context.map.memory().view().ranges()) {
    if (shown.region != &region) continue;
    for (uint64_t offset : *dirty) {
      if (offset < shown.offset || offset - shown.offset >= shown.range.size) continue;
      uint64_t page_gpa = shown.range.start + (offset - shown.offset);
      if (!args.range.contains(page_gpa)) continue;
      uint64_t page = (page_gpa - args.range.start) / kPage;
      args.bitmap[page / 8] |= static_cast<uint8_t>(1u << (page % 8));
      ++set;
    }
  }
  return {HostStatus::kOk, {set}};
}

// Dirty logging is switched per RAM region (QEMU's memory_region_set_log): the region is
// whatever RAM answers at the start of the range.
HostAnswer perform(const DirtyLogArgs& args, HostAssistContext& context) {
  memory::AddressSpace& space = context.map.memory();
  const memory::FlatRange* shown = space.view().find(args.range.start);
  if (!shown || shown->region->kind() != memory::RegionKind::kRam) return refused(HostStatus::kBadArgument);
  memory::Region& region = *shown->region;
  if (args.op == abi::DirtyOp::kFetch) return fill_dirty_bitmap(args, region, context);
  return answer_of(space.update([&] { region.set_dirty_logging(args.op == abi::DirtyOp::kStart); }));
}

HostAnswer perform(const SlotAtArgs& args, HostAssistContext& context) {
  for (const kvm::MemorySlot& slot : context.slots.slots()) {
    if (args.gpa < slot.gpa || args.gpa - slot.gpa >= slot.size) continue;
    const memory::FlatRange* shown = context.map.memory().view().find(args.gpa);
    uint64_t region_offset = shown ? shown->offset + (args.gpa - shown->range.start) : 0;
    return {HostStatus::kOk, {1, slot.gpa, slot.size, slot.flags, slot.id, region_offset}};
  }
  return {};  // reply[0] = 0: no slot there
}

HostAnswer perform(const BackendArgs&, HostAssistContext& context) {
  return {HostStatus::kOk, {static_cast<uint64_t>(context.mmu), static_cast<uint64_t>(context.module)}};
}

HostAnswer perform(const ArgumentsArgs& args, HostAssistContext& context) {
  std::string joined;
  for (const std::string& argument : context.image_arguments) joined += argument + '\0';
  if (args.buffer.size() < joined.size()) return refused(HostStatus::kBadArgument);
  std::ranges::copy(joined, args.buffer.begin());
  return {HostStatus::kOk, {joined.size()}};
}

template <typename Args>
HostAnswer decode_and_perform(const HostRequest& request, HostAssistContext& context) {
  std::optional<Args> args = Args::decode(request, context.map);
  if (!args) return refused(HostStatus::kBadArgument);
  return perform(*args, context);
}

struct Operation {
  HostOp op;
  HostAnswer (*handle)(const HostRequest&, HostAssistContext&);
};

constexpr Operation kOperations[] = {
    {HostOp::kStat, decode_and_perform<StatArgs>},
    {HostOp::kTranslate, decode_and_perform<TranslateArgs>},
    {HostOp::kExitCount, decode_and_perform<ExitCountArgs>},
    {HostOp::kMmioOverlay, decode_and_perform<MmioOverlayArgs>},
    {HostOp::kRamAlias, decode_and_perform<RamAliasArgs>},
    {HostOp::kBiosWritable, decode_and_perform<BiosWritableArgs>},
    {HostOp::kDirtyLog, decode_and_perform<DirtyLogArgs>},
    {HostOp::kSlotAt, decode_and_perform<SlotAtArgs>},
    {HostOp::kBackend, decode_and_perform<BackendArgs>},
    {HostOp::kArguments, decode_and_perform<ArgumentsArgs>},
};

} // namespace

HostAnswer answer_host_request(const HostRequest& request, HostAssistContext& context) {
  if (request.version != abi::kHostAssistVersion) return refused(HostStatus::kBadVersion);
  const Operation* operation = std::ranges::find(kOperations, request.op, &Operation::op);
  if (operation == std::end(kOperations)) return refused(HostStatus::kBadOpcode);
  return operation->handle(request, context);
}

} // namespace slotbox::machine
