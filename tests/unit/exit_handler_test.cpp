// Exit handling without KVM: made-up exits through made-up address spaces.
#include "host/machine/exit_handler.h"
#include "memory_test_support.h"

#include <doctest/doctest.h>

#include <array>
#include <map>

using namespace slotbox;
using machine::EndKind;
using memory::AddressSpace;
using memory::Region;

namespace {

constexpr uint16_t kExitPort = 0xF4;
constexpr uint16_t kDevicePort = 0x3F8;
constexpr uint64_t kDeviceGpa = 0xFEB00000;

struct Fixture {
  memory::testing::Tree tree;
  memory::testing::NullDevice device;
  machine::DebugExit debug_exit;
  machine::ExitCounters exits;
  std::optional<kvm_regs> regs;
  // Trees complete before their address spaces render them.
  Region& ports = [this]() -> Region& {
    Region& root = tree.container("io", 0x10000);
    root.add_subregion(kExitPort, tree.mmio("isa-debug-exit", 4, debug_exit));
    root.add_subregion(kDevicePort, tree.mmio("serial", 8, device));
    return root;
  }();
  Region& system = [this]() -> Region& {
    Region& root = tree.container("system", 1ull << 40);
    root.add_subregion(kDeviceGpa, tree.mmio("test-device", 0x1000, device));
    return root;
  }();
  AddressSpace io{"io", ports, 0xFFFFFFFFFFFFFFFF};
  AddressSpace memory{"memory", system, 0};
  machine::ExitContext context{io, memory, exits, debug_exit, [this] { return regs; }};
};

kvm_regs at(uint64_t rip, uint64_t rflags = 0x202, uint64_t rsp = 0x7000) {
  kvm_regs regs{};
  regs.rip = rip;
  regs.rflags = rflags;
  regs.rsp = rsp;
  return regs;
}

} // namespace

TEST_CASE("port writes reach the device, and a status on the exit port ends the run") {
  Fixture f;
  std::array<uint8_t, 4> data{'h', 'i', '!', 0};
  SUBCASE("rep outsb: every element is one write") {
    auto end = machine::handle_exit(kvm::IoExit{kDevicePort, 1, true, 3, data}, f.context);
    CHECK_FALSE(end);
    CHECK(f.device.last_value == '!');
    CHECK(f.exits.ports(kDevicePort, kDevicePort + 1).writes == 3);
    CHECK(f.exits.of_reason(KVM_EXIT_IO) == 1);
  }
  SUBCASE("status 0 passes as a guest exit") {
    std::array<uint8_t, 1> zero{0};
    auto end = machine::handle_exit(kvm::IoExit{kExitPort, 1, true, 1, zero}, f.context);
    REQUIRE(end);
    CHECK(end->kind == EndKind::kGuestExit);
    CHECK(end->status == 0);
  }
  SUBCASE("status 0x4e is the runtime's crash report for #PF") {
    std::array<uint8_t, 1> crash{0x4E};
    auto end = machine::handle_exit(kvm::IoExit{kExitPort, 1, true, 1, crash}, f.context);
    REQUIRE(end);
    CHECK(end->kind == EndKind::kGuestCrash);
    CHECK(end->detail == "unexpected exception #PF (vector 14)");
  }
}

TEST_CASE("port and MMIO reads are filled in from the address spaces") {
  Fixture f;
  SUBCASE("an unassigned port reads all ones") {
    std::array<uint8_t, 2> data{};
    CHECK_FALSE(machine::handle_exit(kvm::IoExit{0x1234, 2, false, 1, data}, f.context));
    CHECK(data == std::array<uint8_t, 2>{0xFF, 0xFF});
  }
  SUBCASE("MMIO reads the device at its offset and is counted by address") {
    std::array<uint8_t, 4> data{};
    CHECK_FALSE(machine::handle_exit(kvm::MmioExit{kDeviceGpa + 0x10, 4, false, data}, f.context));
    CHECK(data[0] == 0xAB);
    CHECK(f.device.last_read == std::pair<uint64_t, unsigned>{0x10, 4});
    CHECK(f.exits.mmio(kDeviceGpa, kDeviceGpa + 0x1000).reads == 1);
    CHECK(f.exits.of_reason(KVM_EXIT_MMIO) == 1);
  }
}

TEST_CASE("accesses of 1, 2, 4 and 8 bytes carry exactly their bytes, little-endian") {
  Fixture f;
  for (uint8_t size : {1, 2, 4, 8}) {
    CAPTURE(size);
    std::array<uint8_t, 8> bytes{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    std::span<uint8_t> data(bytes.data(), size);
    CHECK_FALSE(machine::handle_exit(kvm::MmioExit{kDeviceGpa, size, true, data}, f.context));
    uint64_t expected = size == 8 ? 0x8877665544332211 : 0x8877665544332211 & ((1ull << (8 * size)) - 1);
    CHECK(f.device.last_value == expected);
    CHECK(f.device.last_write_size == size);

    CHECK_FALSE(machine::handle_exit(kvm::MmioExit{kDeviceGpa, size, false, data}, f.context));
    std::array<uint8_t, 8> read = bytes;
    read[0] = 0xAB;  // the device's value
    std::fill(read.begin() + 1, read.begin() + size, 0);
    CHECK(bytes == read);  // and nothing past the access

    if (size == 8) continue;  // port I/O is at most 4 bytes
    bytes.fill(0);
    CHECK_FALSE(machine::handle_exit(kvm::IoExit{0x1234, size, false, 1, data}, f.context));
    for (size_t i = 0; i < bytes.size(); ++i) CHECK(bytes[i] == (i < size ? 0xFF : 0));
  }
}

TEST_CASE("exits that end the run say how and where") {
  Fixture f;
  f.regs = at(0x201bc0);
  SUBCASE("a shutdown at the guest's rip") {
    auto end = machine::handle_exit(kvm::ShutdownExit{}, f.context);
    REQUIRE(end);
    CHECK(end->kind == EndKind::kTripleFault);
    CHECK(end->detail == "KVM_EXIT_SHUTDOWN (triple fault) at rip 0x201bc0");
  }
  SUBCASE("a shutdown after KVM reset the vCPU (SVM) does not blame the reset vector") {
    f.regs = at(0xFFF0, 0x2, 0);
    auto end = machine::handle_exit(kvm::ShutdownExit{}, f.context);
    REQUIRE(end);
    CHECK(end->detail == "KVM_EXIT_SHUTDOWN (triple fault) at an unknown rip (KVM reset the vCPU before reporting it)");
  }
  SUBCASE("an emulation failure names the instruction bytes KVM gave") {
    auto end = machine::handle_exit(kvm::InternalErrorExit{KVM_INTERNAL_ERROR_EMULATION, {0xFF, 0x0F}, 2}, f.context);
    REQUIRE(end);
    CHECK(end->kind == EndKind::kInternalError);
    CHECK(end->detail == "KVM_EXIT_INTERNAL_ERROR (emulation failure, instruction bytes ff 0f) at rip 0x201bc0");
  }
  SUBCASE("an exit reason slotbox does not handle, by name and number") {
    auto end = machine::handle_exit(kvm::UnhandledExit{KVM_EXIT_DEBUG}, f.context);
    REQUIRE(end);
    CHECK(end->kind == EndKind::kUnexpectedExit);
    CHECK(end->detail == "KVM_EXIT_DEBUG (4) at rip 0x201bc0");
    CHECK(f.exits.of_reason(KVM_EXIT_DEBUG) == 1);
  }
  SUBCASE("with no Hyper-V device, a hypercall left to user space is 'invalid code', and the run goes on") {
    __u64 result = 0;
    CHECK_FALSE(machine::handle_exit(kvm::HypervExit{.type = KVM_EXIT_HYPERV_HCALL, .control = 0x5C, .hcall_result = &result},
                                     f.context));
    CHECK(result == 2);  // HV_STATUS_INVALID_HYPERCALL_CODE
    CHECK_FALSE(machine::handle_exit(kvm::HypervExit{.type = KVM_EXIT_HYPERV_SYNIC}, f.context));
    CHECK(f.exits.of_reason(KVM_EXIT_HYPERV) == 2);
  }
  SUBCASE("unreadable registers leave the place out") {
    f.regs.reset();
    CHECK(machine::handle_exit(kvm::HltExit{}, f.context)->detail ==
          "KVM_EXIT_HLT (halted with no interrupt controller to wake it)");
  }
  SUBCASE("a kick is not an end") {
    CHECK_FALSE(machine::handle_exit(kvm::InterruptedExit{}, f.context));
  }
}

TEST_CASE("exit counters: the same port or address again, and back and forth, are each counted where they belong") {
  machine::ExitCounters exits;
  for (int i = 0; i < 3; ++i) exits.count_port(0x80, true);
  exits.count_port(0x81, false);
  exits.count_port(0x80, false);
  exits.count_mmio(0xFEE00000, true);
  exits.count_mmio(0xFEC00000, true);
  exits.count_mmio(0xFEE00000, false);
  for (uint32_t reason : {KVM_EXIT_IO, KVM_EXIT_IO, KVM_EXIT_MMIO, KVM_EXIT_IO}) exits.count_reason(reason);
  CHECK(exits.ports(0x80, 0x81).writes == 3);
  CHECK(exits.ports(0x80, 0x81).reads == 1);
  CHECK(exits.ports(0x81, 0x82).reads == 1);
  CHECK(exits.ports(0x81, 0x82).writes == 0);
  CHECK(exits.mmio(0xFEE00000, 0xFEE00001).writes == 1);
  CHECK(exits.mmio(0xFEE00000, 0xFEE00001).reads == 1);
  CHECK(exits.mmio(0xFEC00000, 0xFEC00001).writes == 1);
  CHECK(exits.of_reason(KVM_EXIT_IO) == 3);
  CHECK(exits.of_reason(KVM_EXIT_MMIO) == 1);
  CHECK(exits.ports_by_number().size() == 2);
}

TEST_CASE("exit counters: past kMaxAddresses addresses the rest are pooled, also right after a counted one") {
  machine::ExitCounters exits;
  for (uint64_t gpa = 0; gpa < machine::ExitCounters::kMaxAddresses; ++gpa) exits.count_mmio(gpa * 8, true);
  exits.count_mmio(0, true);                      // counted before: still its own
  exits.count_mmio(~0ull, true);                  // a new one: pooled
  exits.count_mmio(~0ull, false);
  CHECK(exits.mmio(0, 1).writes == 2);
  CHECK(exits.pooled().writes == 1);
  CHECK(exits.pooled().reads == 1);
  CHECK(exits.mmio_by_address().size() == machine::ExitCounters::kMaxAddresses);
}

TEST_CASE("exit counters: reasons in the flat table and beyond it are each counted, and listed in order") {
  machine::ExitCounters exits;
  constexpr uint32_t kLastSlot = machine::ExitCounters::kReasonSlots - 1;
  constexpr uint32_t kBeyond = machine::ExitCounters::kReasonSlots;
  for (uint32_t reason : std::initializer_list<uint32_t>{kBeyond, KVM_EXIT_MMIO, 0, kLastSlot, kBeyond, 1000, KVM_EXIT_MMIO, kBeyond})
    exits.count_reason(reason);
  CHECK(exits.of_reason(0) == 1);
  CHECK(exits.of_reason(KVM_EXIT_MMIO) == 2);
  CHECK(exits.of_reason(kLastSlot) == 1);
  CHECK(exits.of_reason(kBeyond) == 3);
  CHECK(exits.of_reason(1000) == 1);
  CHECK(exits.of_reason(KVM_EXIT_IO) == 0);
  std::map<uint32_t, uint64_t> expected{{0, 1}, {KVM_EXIT_MMIO, 2}, {kLastSlot, 1}, {kBeyond, 3}, {1000, 1}};
  CHECK(exits.by_reason() == expected);
}
