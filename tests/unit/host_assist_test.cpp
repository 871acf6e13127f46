// Every host-assist operation on a real PcMemoryMap, through the port as a guest reaches
// it, with KVM faked: an in-memory slot table, a page-table walk and statistics from maps.
#include "fake_slot_table.h"
#include "host/machine/host_assist.h"
#include "host/machine/map_changes.h"
#include "host/machine/pc_memory_map.h"

#include <doctest/doctest.h>
#include <linux/kvm.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace slotbox;
using abi::HostOp;
using abi::HostRequest;
using abi::HostStatus;
using machine::StatOwner;
using machine::StatReading;

namespace {

constexpr uint64_t kRamSize = 512 * machine::kMiB;  // low RAM only: the hole starts at 512 MiB
constexpr uint64_t kBiosSize = 256 * machine::kKiB;
constexpr uint64_t kBiosBase = machine::PcLayout::kFourGiB - kBiosSize;
constexpr uint64_t kBlock = 0x100000;       // the request block, in guest RAM
constexpr uint64_t kBuffer = 0x200000;      // names, bitmaps and argument buffers
constexpr uint64_t kHole = 0xD0000000;      // nothing mapped
constexpr uint64_t kUserGva = 0x7F0000001000;
constexpr uint64_t kPage = 4096;

HostRequest request(HostOp op, std::initializer_list<uint64_t> args = {}) {
  HostRequest built{abi::kHostAssistVersion, op, HostStatus::kPending, 0, {}, {}};
  std::copy(args.begin(), args.end(), built.args);
  return built;
}

// A PC map with the slot listener on a fake table, and the host-assist port over it.
struct Host {
  std::vector<uint8_t> bios = std::vector<uint8_t>(kBiosSize);
  std::unique_ptr<machine::PcMemoryMap> map = machine::PcMemoryMap::create(kRamSize, bios).value();
  kvm::testing::FakeSlotTable table;
  kvm::SlotListener slots{table};
  machine::MapChanges changes{*map};
  machine::ExitCounters exits;
  std::vector<std::string> arguments{"--window", "256M"};
  // What the fake KVM knows.
  std::map<uint64_t, uint64_t> user_pages{{kUserGva, 0x345000}};  // gva -> gpa, user-writable
  bool translate_fails = false;
  std::map<std::string, StatReading> stats{{"pf_fixed", {42, StatOwner::kVcpu}},
                                           {"remote_tlb_flush", {7, StatOwner::kVm}}};
  bool stats_available = true;
  bool stat_read_fails = false;

  machine::HostAssist assist{machine::HostAssistContext{
      .map = *map,
      .changes = changes,
      .slots = slots,
      .exits = exits,
      .translate = [this](uint64_t gva) { return translate(gva); },
      .read_stat = [this](const std::string& name) { return read_stat(name); },
      .mmu = abi::MmuMode::kShadow,
      .module = abi::KvmModule::kAmd,
      .image_arguments = arguments}};

  Host() { REQUIRE(map->memory().add_listener(slots)); }

  // Writes the request where the guest would, knocks on the port, reads the answer back.
  // Where a map change has put MMIO over the block, the host cannot answer: kPending.
  HostRequest send(const HostRequest& sent) {
    uint8_t* block = map->guest_ram(kBlock, sizeof sent);
    if (!block) {
      assist.write(0, 4, kBlock);
      return sent;
    }
    std::memcpy(block, &sent, sizeof sent);
    assist.write(0, 4, kBlock);
    HostRequest answered;
    std::memcpy(&answered, block, sizeof answered);
    return answered;
  }
  HostStatus status(const HostRequest& sent) { return send(sent).status; }

  uint8_t* ram(uint64_t gpa, uint64_t size = 1) {
    uint8_t* host = map->guest_ram(gpa, size);
    REQUIRE(host);
    return host;
  }
  void put(uint64_t gpa, const std::string& text) { std::memcpy(ram(gpa, text.size()), text.data(), text.size()); }

  // The live slot at gpa, from the fake table.
  const kvm::MemorySlot* slot_at(uint64_t gpa) const {
    for (const auto& [id, slot] : table.slots)
      if (gpa >= slot.gpa && gpa - slot.gpa < slot.size) return &slot;
    return nullptr;
  }
  const memory::FlatRange* shown_at(uint64_t gpa) { return map->memory().view().find(gpa); }

private:
  Result<kvm_translation> translate(uint64_t gva) const {
    if (translate_fails) return fail(Error::from_errno("KVM_TRANSLATE", {}, EFAULT));
    kvm_translation translation{};
    translation.linear_address = gva;
    auto page = user_pages.find(gva & ~(kPage - 1));
    if (page == user_pages.end()) return translation;  // valid = 0: not mapped
    translation.physical_address = page->second + gva % kPage;
    translation.valid = translation.writeable = translation.usermode = 1;
    return translation;
  }
  Result<StatReading> read_stat(const std::string& name) const {
    if (!stats_available) return fail(Error::unavailable("KVM statistics", "none"));
    if (stat_read_fails) return fail(Error::from_errno("pread", "KVM statistics", EIO));
    auto found = stats.find(name);
    if (found == stats.end()) return fail(Error::bad_input("statistic " + name, "unknown"));
    return found->second;
  }
};

} // namespace

TEST_CASE("the host-assist port reads as the magic, dword-wide only") {
  Host host;
  CHECK(host.assist.read(0, 4) == abi::kHostAssistMagic);
  CHECK(host.assist.read(0, 1) == ~0ull);
}

TEST_CASE("a request block the host cannot answer in is only counted") {
  Host host;
  const HostRequest pending = request(HostOp::kBackend);
  std::memcpy(host.ram(kBlock, sizeof pending), &pending, sizeof pending);
  SUBCASE("block outside RAM") { host.assist.write(0, 4, kHole); }
  SUBCASE("block in the BIOS ROM") { host.assist.write(0, 4, kBiosBase); }
  SUBCASE("block running past the end of RAM") { host.assist.write(0, 4, kRamSize - sizeof(HostRequest) / 2); }
  SUBCASE("a byte write") { host.assist.write(0, 1, kBlock); }
  SUBCASE("a write to the port's second byte") { host.assist.write(1, 4, kBlock); }
  CHECK(host.assist.requests() == 1);
  CHECK(host.assist.rejected() == 1);
  HostRequest unanswered;
  std::memcpy(&unanswered, host.ram(kBlock, sizeof unanswered), sizeof unanswered);
  CHECK(unanswered.status == HostStatus::kPending);
}

TEST_CASE("a request of another version is refused") {
  Host host;
  HostRequest wrong = request(HostOp::kBackend);
  SUBCASE("0") { wrong.version = 0; }
  SUBCASE("the next") { wrong.version = abi::kHostAssistVersion + 1; }
  SUBCASE("all ones") { wrong.version = ~0u; }
  HostRequest answered = host.send(wrong);
  CHECK(answered.status == HostStatus::kBadVersion);
  CHECK(answered.reply[0] == 0);
  CHECK(host.assist.rejected() == 1);
}

TEST_CASE("an unknown operation is refused") {
  Host host;
  uint32_t op = 0;
  SUBCASE("0") { op = 0; }
  SUBCASE("one past the last") { op = static_cast<uint32_t>(HostOp::kArguments) + 1; }
  SUBCASE("garbage") { op = 0xDEAD; }
  CHECK(host.status(request(static_cast<HostOp>(op))) == HostStatus::kBadOpcode);
}

TEST_CASE("kStat reads a KVM statistic by name") {
  Host host;
  SUBCASE("the vCPU's") {
    host.put(kBuffer, "pf_fixed");
    HostRequest answered = host.send(request(HostOp::kStat, {kBuffer, 8}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == 42);
    CHECK(answered.reply[1] == static_cast<uint64_t>(StatOwner::kVcpu));
  }
  SUBCASE("the VM's, the name NUL-terminated inside its buffer") {
    host.put(kBuffer, std::string("remote_tlb_flush\0junk", 21));
    HostRequest answered = host.send(request(HostOp::kStat, {kBuffer, 21}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == 7);
    CHECK(answered.reply[1] == static_cast<uint64_t>(StatOwner::kVm));
  }
}

TEST_CASE("kStat refuses what it cannot read") {
  Host host;
  host.put(kBuffer, "pf_fixed");
  SUBCASE("a name outside RAM") { CHECK(host.status(request(HostOp::kStat, {kHole, 8})) == HostStatus::kBadArgument); }
  SUBCASE("a name longer than 64 bytes") {
    CHECK(host.status(request(HostOp::kStat, {kBuffer, 65})) == HostStatus::kBadArgument);
  }
  SUBCASE("a name neither has") {
    host.put(kBuffer, "no_such_stat");
    CHECK(host.status(request(HostOp::kStat, {kBuffer, 12})) == HostStatus::kBadArgument);
  }
  SUBCASE("a kernel without binary statistics") {
    host.stats_available = false;
    CHECK(host.status(request(HostOp::kStat, {kBuffer, 8})) == HostStatus::kUnavailable);
  }
  SUBCASE("a failed read") {
    host.stat_read_fails = true;
    CHECK(host.status(request(HostOp::kStat, {kBuffer, 8})) == HostStatus::kFailed);
  }
}

TEST_CASE("kTranslate walks the asking vCPU's page tables") {
  Host host;
  SUBCASE("a mapped user page") {
    HostRequest answered = host.send(request(HostOp::kTranslate, {kUserGva + 0x10}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == 0x345010);
    CHECK(answered.reply[1] == 1);  // valid
    CHECK(answered.reply[2] == 1);  // writeable
    CHECK(answered.reply[3] == 1);  // usermode
  }
  SUBCASE("an unmapped address is an answer, not a refusal") {
    HostRequest answered = host.send(request(HostOp::kTranslate, {0x1234000}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[1] == 0);
  }
  SUBCASE("KVM_TRANSLATE fails") {
    host.translate_fails = true;
    CHECK(host.status(request(HostOp::kTranslate, {kUserGva})) == HostStatus::kFailed);
  }
}

TEST_CASE("kExitCount sums the exits the host saw") {
  Host host;
  host.exits.count_port(0x3F8, true);
  host.exits.count_port(0x3F8, true);
  host.exits.count_port(0x3FD, false);
  host.exits.count_port(0x1000, true);
  host.exits.count_mmio(0xFEB00000, false);
  host.exits.count_reason(KVM_EXIT_MMIO);
  auto kind = [](abi::ExitKind k) { return static_cast<uint64_t>(k); };

  SUBCASE("port I/O in a range") {
    HostRequest answered = host.send(request(HostOp::kExitCount, {kind(abi::ExitKind::kPortIo), 0x3F8, 0x400}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == 1);
    CHECK(answered.reply[1] == 2);
  }
  SUBCASE("MMIO in a range") {
    HostRequest answered = host.send(request(HostOp::kExitCount, {kind(abi::ExitKind::kMmio), 0xFEB00000, 0xFEB01000}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == 1);
    CHECK(answered.reply[1] == 0);
  }
  SUBCASE("exits of one KVM exit reason") {
    HostRequest answered = host.send(request(HostOp::kExitCount, {kind(abi::ExitKind::kReason), KVM_EXIT_MMIO}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == 1);
  }
  SUBCASE("refused: a range that ends before it starts") {
    CHECK(host.status(request(HostOp::kExitCount, {kind(abi::ExitKind::kPortIo), 0x400, 0x3F8})) ==
          HostStatus::kBadArgument);
  }
  SUBCASE("refused: an unknown kind") {
    CHECK(host.status(request(HostOp::kExitCount, {0, 0, 0x10000})) == HostStatus::kBadArgument);
    CHECK(host.status(request(HostOp::kExitCount, {4, 0, 0x10000})) == HostStatus::kBadArgument);
  }
  SUBCASE("refused: a reason wider than KVM's 32 bits") {
    CHECK(host.status(request(HostOp::kExitCount, {kind(abi::ExitKind::kReason), 1ull << 32})) ==
          HostStatus::kBadArgument);
  }
}

TEST_CASE("kMmioOverlay puts an MMIO window over whatever is there, and takes it away") {
  Host host;
  constexpr uint64_t kOverRam = 0x400000;
  REQUIRE(host.status(request(HostOp::kMmioOverlay, {kOverRam, 0x1000, 1})) == HostStatus::kOk);
  CHECK(host.shown_at(kOverRam)->region->kind() == memory::RegionKind::kMmio);
  CHECK(host.slot_at(kOverRam) == nullptr);  // the RAM slot split around it
  CHECK(host.slot_at(kOverRam - kPage) != nullptr);
  CHECK(host.slot_at(kOverRam + 0x1000) != nullptr);

  REQUIRE(host.status(request(HostOp::kMmioOverlay, {kOverRam, 0, 0})) == HostStatus::kOk);
  CHECK(host.shown_at(kOverRam)->region->kind() == memory::RegionKind::kRam);
  CHECK(host.slot_at(kOverRam) != nullptr);
}

TEST_CASE("kMmioOverlay refuses what makes no sense, and reports what KVM refused") {
  Host host;
  SUBCASE("zero size") { CHECK(host.status(request(HostOp::kMmioOverlay, {kHole, 0, 1})) == HostStatus::kBadArgument); }
  SUBCASE("past the end of the guest-physical space") {
    CHECK(host.status(request(HostOp::kMmioOverlay, {~0ull - 0x100, 0x1000, 1})) == HostStatus::kBadArgument);
  }
  SUBCASE("removing where nothing is live") {
    CHECK(host.status(request(HostOp::kMmioOverlay, {kHole, 0, 0})) == HostStatus::kBadArgument);
  }
  SUBCASE("twice at the same gpa") {
    REQUIRE(host.status(request(HostOp::kMmioOverlay, {kHole, 0x1000, 1})) == HostStatus::kOk);
    CHECK(host.status(request(HostOp::kMmioOverlay, {kHole, 0x1000, 1})) == HostStatus::kBadArgument);
  }
  SUBCASE("more than 64 live changes") {
    for (uint64_t i = 0; i < machine::MapChanges::kMaxLiveChanges; ++i)
      REQUIRE(host.status(request(HostOp::kMmioOverlay, {kHole + i * kPage, kPage, 1})) == HostStatus::kOk);
    CHECK(host.status(request(HostOp::kMmioOverlay, {kHole + 64 * kPage, kPage, 1})) == HostStatus::kBadArgument);
  }
  SUBCASE("KVM refuses the slot change: the listener's error reaches the guest") {
    host.table.failing_errno = EINVAL;
    CHECK(host.status(request(HostOp::kMmioOverlay, {0x400000, 0x1000, 1})) == HostStatus::kFailed);
  }
}

TEST_CASE("kRamAlias shows a window of guest RAM at another address") {
  Host host;
  REQUIRE(host.status(request(HostOp::kRamAlias, {kHole, 0x300000, 0x2000, 1})) == HostStatus::kOk);
  const kvm::MemorySlot* slot = host.slot_at(kHole);
  REQUIRE(slot);
  CHECK(slot->gpa == kHole);
  CHECK(slot->size == 0x2000);
  CHECK(slot->host == host.ram(0x300000));
  CHECK(slot->flags == 0);

  REQUIRE(host.status(request(HostOp::kRamAlias, {kHole, 0, 0, 0})) == HostStatus::kOk);
  CHECK(host.slot_at(kHole) == nullptr);
}

TEST_CASE("kRamAlias refuses windows outside guest RAM") {
  Host host;
  SUBCASE("offset past the end") {
    CHECK(host.status(request(HostOp::kRamAlias, {kHole, ~0ull - 10, 0x1000, 1})) == HostStatus::kBadArgument);
  }
  SUBCASE("running past the end") {
    CHECK(host.status(request(HostOp::kRamAlias, {kHole, kRamSize - kPage, 2 * kPage, 1})) == HostStatus::kBadArgument);
  }
  SUBCASE("zero size") { CHECK(host.status(request(HostOp::kRamAlias, {kHole, 0, 0, 1})) == HostStatus::kBadArgument); }
  SUBCASE("removing where nothing is live") {
    CHECK(host.status(request(HostOp::kRamAlias, {kHole, 0, 0, 0})) == HostStatus::kBadArgument);
  }
}

// Found by tests/fuzz/host_assist_fuzzer.cpp: a window off pages became a slot whose host
// address was not page aligned, which KVM refuses (EINVAL) after deleting what it covered.
TEST_CASE("kRamAlias refuses windows off 4 KiB pages, as KVM would") {
  Host host;
  SUBCASE("address") { CHECK(host.status(request(HostOp::kRamAlias, {kHole + 0x400, 0x300000, 0x2000, 1})) == HostStatus::kBadArgument); }
  SUBCASE("RAM offset") { CHECK(host.status(request(HostOp::kRamAlias, {kHole, 0x300400, 0x2000, 1})) == HostStatus::kBadArgument); }
  SUBCASE("size") { CHECK(host.status(request(HostOp::kRamAlias, {kHole, 0x300000, 0x1800, 1})) == HostStatus::kBadArgument); }
  CHECK(host.slot_at(kHole) == nullptr);
  CHECK(host.shown_at(kHole + 0x400) == nullptr);
}

TEST_CASE("kBiosWritable drops and restores the BIOS's KVM_MEM_READONLY") {
  Host host;
  REQUIRE(host.slot_at(kBiosBase)->flags == KVM_MEM_READONLY);
  REQUIRE(host.status(request(HostOp::kBiosWritable, {1})) == HostStatus::kOk);
  CHECK(host.slot_at(kBiosBase)->flags == 0);
  REQUIRE(host.status(request(HostOp::kBiosWritable, {0})) == HostStatus::kOk);
  CHECK(host.slot_at(kBiosBase)->flags == KVM_MEM_READONLY);

  SUBCASE("KVM refuses: kFailed") {
    host.table.failing_errno = EFAULT;
    CHECK(host.status(request(HostOp::kBiosWritable, {1})) == HostStatus::kFailed);
  }
}

TEST_CASE("kDirtyLog starts logging on a RAM region, fetches what was written, stops") {
  Host host;
  constexpr uint64_t kStart = 0x1000000, kSize = 0x10000;
  auto op = [](abi::DirtyOp o) { return static_cast<uint64_t>(o); };
  REQUIRE(host.status(request(HostOp::kDirtyLog, {op(abi::DirtyOp::kStart), kStart, kSize})) == HostStatus::kOk);
  const kvm::MemorySlot* slot = host.slot_at(kStart);
  REQUIRE(slot);
  CHECK(slot->flags == KVM_MEM_LOG_DIRTY_PAGES);
  CHECK(host.table.flag_updates == 2);  // in place: both low-RAM slots show pc.ram

  // The "guest" writes the range's pages 0 and 5, and one page beyond the range.
  uint64_t first = (kStart - slot->gpa) / kPage;
  host.table.dirty[slot->id] = {first, first + 5, first + kSize / kPage};
  HostRequest fetched = host.send(request(HostOp::kDirtyLog, {op(abi::DirtyOp::kFetch), kStart, kSize, kBuffer, 2}));
  CHECK(fetched.status == HostStatus::kOk);
  CHECK(fetched.reply[0] == 2);
  CHECK(host.ram(kBuffer)[0] == 0x21);
  CHECK(host.ram(kBuffer + 1)[0] == 0);

  REQUIRE(host.status(request(HostOp::kDirtyLog, {op(abi::DirtyOp::kStop), kStart, kSize})) == HostStatus::kOk);
  CHECK(host.slot_at(kStart)->flags == 0);
}

TEST_CASE("kDirtyLog refuses ranges and bitmaps it cannot serve") {
  Host host;
  auto fetch = static_cast<uint64_t>(abi::DirtyOp::kFetch);
  auto start = static_cast<uint64_t>(abi::DirtyOp::kStart);
  HostRequest refused;
  SUBCASE("an unknown operation") { refused = request(HostOp::kDirtyLog, {7, 0x1000000, 0x10000}); }
  SUBCASE("a gpa inside a page") { refused = request(HostOp::kDirtyLog, {start, 0x1000010, 0x10000}); }
  SUBCASE("a size inside a page") { refused = request(HostOp::kDirtyLog, {start, 0x1000000, 0x10010}); }
  SUBCASE("zero size") { refused = request(HostOp::kDirtyLog, {start, 0x1000000, 0}); }
  SUBCASE("more than 64 GiB") { refused = request(HostOp::kDirtyLog, {start, 0, (64ull << 30) + kPage}); }
  SUBCASE("not RAM: the hole") { refused = request(HostOp::kDirtyLog, {start, kHole, 0x10000}); }
  SUBCASE("not RAM: the BIOS") { refused = request(HostOp::kDirtyLog, {start, kBiosBase, 0x10000}); }
  SUBCASE("a bitmap outside RAM") { refused = request(HostOp::kDirtyLog, {fetch, 0x1000000, 0x10000, 0xFFFF0000, 64}); }
  SUBCASE("a bitmap too small for the range") {
    refused = request(HostOp::kDirtyLog, {fetch, 0x1000000, 0x10000, kBuffer, 1});
  }
  CHECK(host.status(refused) == HostStatus::kBadArgument);
}

TEST_CASE("kSlotAt describes the KVM slot at a gpa") {
  Host host;
  SUBCASE("RAM") {
    HostRequest answered = host.send(request(HostOp::kSlotAt, {0x345678}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == 1);
    CHECK(answered.reply[1] == 0x100000);             // low RAM above the isa-bios
    CHECK(answered.reply[2] == kRamSize - 0x100000);
    CHECK(answered.reply[3] == 0);
    CHECK(answered.reply[4] == host.slot_at(0x345678)->id);
    CHECK(answered.reply[5] == 0x345678);             // offset into pc.ram
  }
  SUBCASE("the BIOS: read-only") {
    HostRequest answered = host.send(request(HostOp::kSlotAt, {kBiosBase + 0x10}));
    CHECK(answered.reply[0] == 1);
    CHECK(answered.reply[3] == abi::kSlotReadonly);
    CHECK(answered.reply[5] == 0x10);
  }
  SUBCASE("the hole: no slot, and that is an answer") {
    HostRequest answered = host.send(request(HostOp::kSlotAt, {kHole}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == 0);
  }
}

TEST_CASE("kBackend names the MMU mode and the KVM module") {
  Host host;
  HostRequest answered = host.send(request(HostOp::kBackend));
  CHECK(answered.status == HostStatus::kOk);
  CHECK(answered.reply[0] == static_cast<uint64_t>(abi::MmuMode::kShadow));
  CHECK(answered.reply[1] == static_cast<uint64_t>(abi::KvmModule::kAmd));
}

TEST_CASE("kArguments copies the image arguments, NUL-separated") {
  Host host;
  const std::string joined("--window\0" "256M\0", 14);
  SUBCASE("into a buffer large enough") {
    HostRequest answered = host.send(request(HostOp::kArguments, {kBuffer, 64}));
    CHECK(answered.status == HostStatus::kOk);
    CHECK(answered.reply[0] == joined.size());
    CHECK(std::string(reinterpret_cast<const char*>(host.ram(kBuffer, joined.size())), joined.size()) == joined);
  }
  SUBCASE("refused: a buffer outside RAM") {
    CHECK(host.status(request(HostOp::kArguments, {kHole, 64})) == HostStatus::kBadArgument);
  }
  SUBCASE("refused: a buffer too small") {
    CHECK(host.status(request(HostOp::kArguments, {kBuffer, joined.size() - 1})) == HostStatus::kBadArgument);
  }
}

TEST_CASE("garbage requests are answered or refused, never crash the host") {
  std::mt19937_64 random(9);
  // Mostly wild 64-bit values, sometimes plausible ones, so some requests get far.
  auto argument = [&]() -> uint64_t {
    switch (random() % 4) {
    case 0: return random();
    case 1: return random() % 16;
    case 2: return (random() % (kRamSize / kPage)) * kPage;
    default: return random() % 0x100000000;
    }
  };
  std::map<HostStatus, int> seen;
  std::unique_ptr<Host> host;
  for (int round = 0; round < 10000; ++round) {
    CAPTURE(round);
    if (round % 20 == 0) host = std::make_unique<Host>();  // before garbage map changes hide the block
    HostRequest garbage = request(static_cast<HostOp>(random() % 12));
    for (uint64_t& value : garbage.args) value = argument();
    HostStatus status = host->status(garbage);
    CHECK((status == HostStatus::kOk || status == HostStatus::kBadOpcode || status == HostStatus::kBadArgument ||
           status == HostStatus::kFailed || status == HostStatus::kPending));
    ++seen[status];
  }
  CHECK(seen[HostStatus::kOk] > 1000);  // the garbage reached the operations
  CHECK(seen[HostStatus::kBadArgument] > 1000);
  CHECK(seen[HostStatus::kPending] < 2000);
}
