// mmio: accesses to the MMIO hole. The slotbox test device answers at 0xFEB00000 with an
// id, a scratch register at every width and counters, each access exactly one exit;
// unassigned hole addresses read 0 and swallow writes (as QEMU's pc does); an access that
// straddles the end of low RAM takes its RAM part from RAM and the rest from the hole.
#include "slotbox/guest.h"

using namespace slotbox::guest;
namespace abi = slotbox::abi;
namespace reg = slotbox::abi::test_device;

SLOTBOX_IMAGE("mmio");

namespace {

constexpr uint64_t kDevice = abi::kTestDeviceBase;
constexpr uint64_t kScratch = kDevice + reg::kScratch;
constexpr int kRounds = 10;

void check_test_device() {
  if (!host_present()) {
    const char* const names[] = {"test device id", "scratch read-back at widths 1, 2, 4, 8",
                             "scratch byte writes merge", "device counters equal the accesses",
                                 "each device access is one MMIO exit",
                                 "the host counted exits with reason KVM_EXIT_MMIO for them"};
    for (const char* name : names) SKIP("no slotbox test device under QEMU", "%s", name);
    return;
  }
  CHECK_EQ(mmio_read<uint32_t>(kDevice + reg::kId), reg::kIdValue, "test device id at 0x%lx", kDevice);

  mmio_write<uint64_t>(kScratch, 0x1122334455667788);
  bool widths = mmio_read<uint64_t>(kScratch) == 0x1122334455667788 &&
                mmio_read<uint32_t>(kScratch + 4) == 0x11223344 && mmio_read<uint16_t>(kScratch + 2) == 0x5566 &&
                mmio_read<uint8_t>(kScratch + 1) == 0x77;
  CHECK(widths, "scratch read-back at widths 1, 2, 4, 8");
  mmio_write<uint8_t>(kScratch + 3, 0xAB);
  mmio_write<uint16_t>(kScratch + 6, 0xCDEF);
  CHECK_EQ(mmio_read<uint64_t>(kScratch), 0xCDEF3344AB667788, "scratch byte writes merge");

  uint64_t reads_before = mmio_read<uint64_t>(kDevice + reg::kReads);
  uint64_t writes_before = mmio_read<uint64_t>(kDevice + reg::kWrites);
  HostReply exits_before = host_exit_count(abi::ExitKind::kMmio, kScratch, kScratch + 8);
  HostReply reason_before = host_exit_count(abi::ExitKind::kReason, abi::kExitReasonMmio, 0);
  for (int i = 0; i < kRounds; ++i) {
    mmio_write<uint32_t>(kScratch, i);
    (void)mmio_read<uint16_t>(kScratch);
    (void)mmio_read<uint8_t>(kScratch + 7);
  }
  HostReply reason_after = host_exit_count(abi::ExitKind::kReason, abi::kExitReasonMmio, 0);
  uint64_t reads = mmio_read<uint64_t>(kDevice + reg::kReads) - reads_before;
  uint64_t writes = mmio_read<uint64_t>(kDevice + reg::kWrites) - writes_before;
  CHECK(reads == 2 * kRounds && writes == kRounds, "device counters equal the accesses (%lu reads, %lu writes)",
        reads, writes);
  HostReply exits_after = host_exit_count(abi::ExitKind::kMmio, kScratch, kScratch + 8);
  uint64_t exit_reads = exits_after.value[0] - exits_before.value[0];
  uint64_t exit_writes = exits_after.value[1] - exits_before.value[1];
  CHECK(exit_reads == 2 * kRounds && exit_writes == kRounds,
        "each device access is one MMIO exit (%lu read exits, %lu write exits)", exit_reads, exit_writes);
  CHECK_EQ(reason_after.value[0] - reason_before.value[0], 3 * kRounds,
           "the host counted %d exits with reason KVM_EXIT_MMIO for them", 3 * kRounds);
}

void check_unassigned(uint64_t hole) {
  bool zero = mmio_read<uint8_t>(hole) == 0 && mmio_read<uint16_t>(hole) == 0 && mmio_read<uint32_t>(hole) == 0 &&
              mmio_read<uint64_t>(hole) == 0;
  CHECK(zero, "unassigned hole address 0x%lx reads 0 at widths 1, 2, 4, 8", hole);
  mmio_write<uint64_t>(hole, ~0ull);
  CHECK_EQ(mmio_read<uint64_t>(hole), 0, "a write to 0x%lx is swallowed", hole);
}

// An 8-byte access whose first half is the last word of low RAM and second half the hole.
void check_straddle(uint64_t low) {
  uint64_t address = low - 4;
  mmio_write<uint32_t>(address, 0xCAFEF00D);
  uint64_t value = mmio_read<uint64_t>(address);
  CHECK_EQ(value, 0xCAFEF00D, "an 8-byte read across the end of low RAM (0x%lx) joins RAM and hole", address);
  mmio_write<uint64_t>(address, 0x1234567887654321);
  CHECK_EQ(mmio_read<uint32_t>(address), 0x87654321, "an 8-byte write across it updates the RAM half only");
}

} // namespace

void image_main() {
  uint64_t low = read_cmos_memory().low_ram();
  check_test_device();
  check_unassigned(low + 0x100000);
  check_unassigned(kDevice - 0x1000);
  check_straddle(low);
}
