// fw_cfg's legacy ports as QEMU answers them (hw/nvram/fw_cfg.c, docs/specs/fw_cfg.rst).
#include "host/machine/fw_cfg.h"

#include <doctest/doctest.h>

#include <string>

using namespace slotbox::machine;

namespace {

constexpr uint64_t kSelector = 0;
constexpr uint64_t kData = 1;

// What a kvm-unit-tests kernel does: outw(key, 0x510), then `bytes` inb(0x511), little-endian.
uint64_t read_item(FwCfg& fw_cfg, uint16_t key, unsigned bytes) {
  fw_cfg.write(kSelector, 2, key);
  uint64_t value = 0;
  for (unsigned i = 0; i < bytes; ++i) value |= fw_cfg.read(kData, 1) << (8 * i);
  return value;
}

FwCfg make(uint64_t ram = 4 * kGiB, uint32_t cpus = 1) { return FwCfg(PcLayout{ram, 256 * kKiB}, cpus); }

} // namespace

TEST_CASE("fw_cfg signature reads \"QEMU\"") {
  FwCfg fw_cfg = make();
  fw_cfg.write(kSelector, 2, FwCfg::kSignature);
  std::string signature;
  for (int i = 0; i < 4; ++i) signature += static_cast<char>(fw_cfg.read(kData, 1));
  CHECK(signature == "QEMU");
  CHECK(fw_cfg.read(kData, 1) == 0);  // past the end
}

TEST_CASE("fw_cfg ID says the traditional port interface only") {
  FwCfg fw_cfg = make();
  CHECK(read_item(fw_cfg, FwCfg::kId, 4) == 1);
}

TEST_CASE("fw_cfg NB_CPUS and MAX_CPUS are the vCPU count, 16-bit little-endian") {
  SUBCASE("one vCPU") {
    FwCfg fw_cfg = make(4 * kGiB, 1);
    CHECK(read_item(fw_cfg, FwCfg::kNbCpus, 2) == 1);
    CHECK(read_item(fw_cfg, FwCfg::kMaxCpus, 2) == 1);
  }
  SUBCASE("64 vCPUs") {
    FwCfg fw_cfg = make(4 * kGiB, 64);
    CHECK(read_item(fw_cfg, FwCfg::kNbCpus, 2) == 64);
    CHECK(read_item(fw_cfg, FwCfg::kMaxCpus, 2) == 64);
  }
}

TEST_CASE("fw_cfg RAM_SIZE is the whole RAM, 64-bit little-endian") {
  FwCfg small = make(512 * kMiB);
  CHECK(read_item(small, FwCfg::kRamSize, 8) == 512 * kMiB);
  FwCfg large = make(6 * kGiB);
  CHECK(read_item(large, FwCfg::kRamSize, 8) == 6 * kGiB);
}

TEST_CASE("fw_cfg keys QEMU does not fill read 0") {
  FwCfg fw_cfg = make();
  SUBCASE("MAX_RAM (kvm-unit-tests' bare-metal key 0x11: 0 means no limit)") {
    CHECK(read_item(fw_cfg, 0x11, 8) == 0);
  }
  SUBCASE("an unknown arch-local key") { CHECK(read_item(fw_cfg, 0x8010, 4) == 0); }
  SUBCASE("the invalid key 0xFFFF") { CHECK(read_item(fw_cfg, 0xFFFF, 4) == 0); }
  SUBCASE("before any selector write") { CHECK(fw_cfg.read(kData, 1) == 0); }
}

TEST_CASE("fw_cfg selector write rewinds the item") {
  FwCfg fw_cfg = make(4 * kGiB, 2);
  fw_cfg.write(kSelector, 2, FwCfg::kSignature);
  CHECK(fw_cfg.read(kData, 1) == 'Q');
  CHECK(fw_cfg.read(kData, 1) == 'E');
  fw_cfg.write(kSelector, 2, FwCfg::kSignature);
  CHECK(fw_cfg.read(kData, 1) == 'Q');
  CHECK(read_item(fw_cfg, FwCfg::kNbCpus, 2) == 2);
  CHECK(read_item(fw_cfg, FwCfg::kNbCpus, 2) == 2);
}

TEST_CASE("fw_cfg masks the write-channel bit off the key, as QEMU") {
  FwCfg fw_cfg = make(4 * kGiB, 3);
  CHECK(read_item(fw_cfg, FwCfg::kWriteChannel | FwCfg::kNbCpus, 2) == 3);
}

TEST_CASE("fw_cfg byte reads of the selector port read data; byte writes select nothing") {
  FwCfg fw_cfg = make();
  fw_cfg.write(kSelector, 2, FwCfg::kSignature);
  CHECK(fw_cfg.read(kSelector, 1) == 'Q');
  fw_cfg.write(kData, 1, 0x05);      // a data write: ignored
  fw_cfg.write(kSelector, 1, 0x05);  // not a 16-bit write: ignored
  CHECK(fw_cfg.read(kData, 1) == 'E');
  CHECK(fw_cfg.read(kSelector, 2) == 0);  // invalid width
}
