// hyperv-testdev without KVM: the routes it asks the machine to install, the GSIs it
// signals, and the messages and event flags it writes into a made-up guest's SynIC pages.
#include "host/machine/hyperv_testdev.h"

#include <doctest/doctest.h>

#include <cstring>

using namespace slotbox::machine;

namespace {

uint32_t command(uint32_t control, uint32_t vp_index, uint32_t sint, uint32_t connection = 0) {
  return connection << 24 | control << 16 | vp_index << 8 | sint;
}

constexpr uint64_t kSimp = 0x1000, kSiefp = 0x2000, kInput = 0x3000;
constexpr uint64_t kPostMessage = 0x5C, kSignalEvent = 0x5D, kFast = 1 << 16;

struct Fixture {
  std::vector<uint8_t> ram = std::vector<uint8_t>(0x4000, 0);
  std::vector<std::vector<HypervTestdev::SintRoute>> installed;
  std::vector<uint32_t> signalled;
  HypervTestdev dev{[this](const auto& routes) { installed.push_back(routes); },
                    [this](uint32_t gsi) { signalled.push_back(gsi); }};
  Fixture() {
    dev.set_guest_ram([this](uint64_t gpa, uint64_t size) { return gpa + size <= ram.size() ? &ram[gpa] : nullptr; });
  }
  uint8_t* slot(uint32_t sint) { return &ram[kSimp + sint * 256]; }
  uint32_t u32(const uint8_t* at) {
    uint32_t value;
    std::memcpy(&value, at, sizeof value);
    return value;
  }
  uint64_t post(uint32_t connection, uint32_t type, uint64_t payload) {
    uint32_t header[4] = {connection, 0, type, 8};
    std::memcpy(&ram[kInput], header, sizeof header);
    std::memcpy(&ram[kInput + 16], &payload, sizeof payload);
    return dev.hypercall(kPostMessage, kInput, 0);
  }
};

} // namespace

TEST_CASE("hyperv-testdev routes a GSI above the irqchip's 24 to each vCPU's SINT") {
  Fixture f;
  f.dev.write(0, 4, command(1, 0, 2));
  f.dev.write(0, 4, command(1, 1, 2));
  REQUIRE(f.installed.size() == 2);
  REQUIRE(f.installed.back().size() == 2);
  CHECK(f.installed.back()[0].gsi == 24);
  CHECK(f.installed.back()[1].gsi == 25);
  CHECK(f.installed.back()[1].vp_index == 1);
  CHECK(f.installed.back()[1].sint == 2);

  SUBCASE("set-sint raises the route's GSI") {
    f.dev.write(0, 4, command(3, 1, 2));
    CHECK(f.signalled == std::vector<uint32_t>{25});
  }
  SUBCASE("destroy removes it, and its GSI is used again") {
    f.dev.write(0, 4, command(2, 0, 2));
    CHECK(f.installed.back().size() == 1);
    f.dev.write(0, 4, command(1, 0, 3));
    CHECK(f.installed.back().back().gsi == 24);
  }
  SUBCASE("a second create of the same route, a signal of none, other widths and commands: nothing") {
    f.dev.write(0, 4, command(1, 0, 2));
    f.dev.write(0, 4, command(3, 5, 5));
    f.dev.write(0, 2, command(3, 0, 2));
    f.dev.write(0, 4, command(0, 0, 2));
    f.dev.write(0, 4, command(8, 0, 2));
    CHECK(f.installed.size() == 2);
    CHECK(f.signalled.empty());
  }
}

TEST_CASE("a message posted to a connection lands in the vCPU's slot, or waits for the slot") {
  Fixture f;
  f.dev.set_synic_pages(1, kSimp | 1, kSiefp | 1);
  f.dev.write(0, 4, command(4, 1, 8, 0x11));
  REQUIRE(f.installed.back().size() == 1);
  uint32_t gsi = f.installed.back()[0].gsi;

  CHECK(f.post(0x11, 0x12345678, 0xAB) == kHvStatusSuccess);
  CHECK(f.u32(f.slot(8)) == 0x12345678);
  CHECK(f.slot(8)[4] == 8);    // payload size
  CHECK(f.slot(8)[16] == 0xAB);
  CHECK(f.signalled == std::vector<uint32_t>{gsi});

  SUBCASE("a full slot: accepted, marked pending, delivered once the guest empties it") {
    CHECK(f.post(0x11, 0x12345678, 0xAC) == kHvStatusSuccess);
    CHECK(f.slot(8)[5] == 1);  // message pending
    CHECK(f.slot(8)[16] == 0xAB);
    CHECK(f.post(0x11, 0x12345678, 0xAD) == kHvStatusInsufficientBuffers);  // one staged per connection
    CHECK(f.dev.messages().deliver_staged());
    std::memset(f.slot(8), 0, 4);  // the guest's reader: type 0, then EOM
    CHECK_FALSE(f.dev.messages().deliver_staged());
    CHECK(f.slot(8)[16] == 0xAC);
    CHECK(f.slot(8)[5] == 0);
    CHECK(f.signalled.size() == 2);
  }
  SUBCASE("an unknown connection, a fast post, a payload too big, an unknown call") {
    CHECK(f.post(0x12, 1, 0) == kHvStatusInvalidConnectionId);
    CHECK(f.dev.hypercall(kPostMessage | kFast, kInput, 0) == kHvStatusInvalidHypercallInput);
    uint32_t header[4] = {0x11, 0, 1, 241};
    std::memcpy(&f.ram[kInput], header, sizeof header);
    CHECK(f.dev.hypercall(kPostMessage, kInput, 0) == kHvStatusInvalidHypercallInput);
    CHECK(f.dev.hypercall(0x8, 0, 0) == kHvStatusInvalidHypercallCode);
  }
  SUBCASE("destroying the connection removes its route") {
    f.dev.write(0, 4, command(5, 1, 8, 0x11));
    CHECK(f.installed.back().empty());
    CHECK(f.post(0x11, 1, 0) == kHvStatusInvalidConnectionId);
  }
}

TEST_CASE("an event signalled on a connection sets the flag numbered as the connection, once") {
  Fixture f;
  f.dev.set_synic_pages(0, kSimp | 1, kSiefp | 1);
  f.dev.write(0, 4, command(6, 0, 9, 0x20));
  uint32_t gsi = f.installed.back()[0].gsi;
  CHECK(f.dev.hypercall(kSignalEvent | kFast, 0x20, 0) == kHvStatusSuccess);
  uint64_t word;
  std::memcpy(&word, &f.ram[kSiefp + 9 * 256], sizeof word);
  CHECK(word == 1ull << 0x20);
  CHECK(f.signalled == std::vector<uint32_t>{gsi});
  CHECK(f.dev.hypercall(kSignalEvent | kFast, 0x20, 0) == kHvStatusSuccess);
  CHECK(f.signalled.size() == 1);  // already set: no second SINT
  CHECK(f.dev.hypercall(kSignalEvent | kFast, 0x1234, 0) == kHvStatusInvalidConnectionId);
  CHECK(f.dev.hypercall(kSignalEvent | kFast, 0x20 | (1ull << 32), 0) == kHvStatusInvalidHypercallInput);
}
