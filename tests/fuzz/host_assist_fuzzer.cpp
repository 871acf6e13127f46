// The host-assist port as a hostile guest drives it: each 112 bytes of input are one
// abi::HostRequest, written into guest RAM at a fixed block and handed to the port
// (HostAssist::write), on a fresh PC memory map with its KVM slots in an in-memory table
// and KVM_TRANSLATE and the statistics answered from small tables. After every request:
// the status is one the ABI defines and a refusal carries no reply; the request's other
// fields are untouched; the flat view still answers as the region tree does; the slot
// table holds exactly the view's slots and never saw an overlap or an unaligned slot.
#include "fuzz_check.h"
#include "flat_view_checks.h"
#include "fuzz_slot_table.h"
#include "host/kvm/slot_listener.h"
#include "host/machine/exit_counters.h"
#include "host/machine/host_assist.h"
#include "host/machine/map_changes.h"
#include "host/machine/pc_memory_map.h"

#include <cstring>
#include <string>
#include <vector>

using namespace slotbox;
using abi::HostRequest;
using abi::HostStatus;

namespace {

constexpr uint64_t kRamSize = 512 * machine::kMiB;  // low RAM only: the hole starts at 512 MiB
constexpr uint64_t kBiosSize = 256 * machine::kKiB;
constexpr uint64_t kBlock = 0x100000;
constexpr uint32_t kMaxSlots = 509;  // older kernels' KVM_CAP_NR_MEMSLOTS

Result<kvm_translation> translate(uint64_t gva) {
  kvm_translation translation{};
  translation.linear_address = gva;
  if (gva >= (1ull << 30)) return translation;  // not mapped
  translation.physical_address = gva;
  translation.valid = translation.writeable = translation.usermode = 1;
  return translation;
}

Result<machine::StatReading> read_stat(const std::string& name) {
  if (name == "pf_fixed") return machine::StatReading{42, machine::StatOwner::kVcpu};
  if (name == "remote_tlb_flush") return machine::StatReading{7, machine::StatOwner::kVm};
  if (name == "unavailable") return fail(Error::unavailable("KVM statistics", "none (fuzz)"));
  return fail(Error::bad_input("statistic " + name, "unknown"));
}

bool known_status(HostStatus status) {
  switch (status) {
  case HostStatus::kOk:
  case HostStatus::kBadVersion:
  case HostStatus::kBadOpcode:
  case HostStatus::kBadArgument:
  case HostStatus::kFailed:
  case HostStatus::kUnavailable: return true;
  case HostStatus::kPending: return false;
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<uint8_t> bios(kBiosSize, 0xF4);
  static const std::vector<std::string> arguments{"--window", "256M"};
  auto map = machine::PcMemoryMap::create(kRamSize, bios).value();
  fuzz::FuzzSlotTable table(kMaxSlots);
  kvm::SlotListener slots(table);
  FUZZ_CHECK(map->memory().add_listener(slots).has_value(), "the plain PC map does not fit %u slots", kMaxSlots);
  machine::MapChanges changes(*map);
  machine::ExitCounters exits;
  machine::HostAssist assist{machine::HostAssistContext{.map = *map,
                                                        .changes = changes,
                                                        .slots = slots,
                                                        .exits = exits,
                                                        .translate = translate,
                                                        .read_stat = read_stat,
                                                        .mmu = abi::MmuMode::kTdp,
                                                        .module = abi::KvmModule::kAmd,
                                                        .image_arguments = arguments}};

  for (size_t at = 0; at + sizeof(HostRequest) <= size; at += sizeof(HostRequest)) {
    HostRequest sent;
    std::memcpy(&sent, data + at, sizeof sent);
    uint8_t* block = map->guest_ram(kBlock, sizeof sent);
    if (block) std::memcpy(block, &sent, sizeof sent);
    uint64_t rejected = assist.rejected();
    assist.write(0, 4, kBlock);
    // A map change may have put MMIO over the block: then the port has nowhere to answer.
    if (!block) {
      FUZZ_CHECK(assist.rejected() == rejected + 1, "a request outside RAM was not rejected");
      continue;
    }
    HostRequest answered;
    std::memcpy(&answered, block, sizeof answered);
    FUZZ_CHECK(known_status(answered.status), "status %u for op %u", unsigned(answered.status), unsigned(sent.op));
    FUZZ_CHECK(answered.version == sent.version && answered.op == sent.op &&
                   std::memcmp(answered.args, sent.args, sizeof sent.args) == 0,
               "the answer to op %u changed the request", unsigned(sent.op));
    if (answered.status != HostStatus::kOk) {
      FUZZ_CHECK(assist.rejected() == rejected + 1, "a refusal was not counted");
      for (uint64_t word : answered.reply) FUZZ_CHECK(word == 0, "a refusal (status %u) carries a reply", unsigned(answered.status));
    }
    if (sent.version != abi::kHostAssistVersion) FUZZ_CHECK(answered.status == HostStatus::kBadVersion, "wrong version taken");
    fuzz::check_flat_view(map->memory(), {sent.args[0], sent.args[0] + sent.args[1], kBlock});
    fuzz::check_slots(map->memory(), table);
  }
  map->memory().remove_listener(slots);
  return 0;
}
