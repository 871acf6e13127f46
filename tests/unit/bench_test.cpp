// slotbox bench's pieces that need no KVM: summaries, the hand-assembled guests, the
// report's JSON. (The timings themselves are never asserted: benchmarks are not tests.)
#include "host/bench/bench_report.h"
#include "host/bench/bench_rom.h"
#include "host/bench/qemu_instruction_count.h"
#include "host/bench/samples.h"
#include "host/loader/named_images.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <unistd.h>

using namespace slotbox::bench;

TEST_CASE("a summary is the median, min and max of the trials") {
  SUBCASE("odd count") {
    Summary s = summarize({5, 1, 9});
    CHECK(s.median == 5);
    CHECK(s.min == 1);
    CHECK(s.max == 9);
    CHECK(s.trials == 3);
  }
  SUBCASE("even count: the mean of the middle two") { CHECK(summarize({4, 1, 2, 3}).median == 2.5); }
  SUBCASE("no trials") { CHECK(summarize({}).trials == 0); }
}

namespace {
bool contains(const std::vector<uint8_t>& rom, std::initializer_list<uint8_t> bytes) {
  std::vector<uint8_t> needle(bytes);
  return std::search(rom.begin(), rom.end(), needle.begin(), needle.end()) != rom.end();
}
} // namespace

TEST_CASE("bench ROMs start at the reset vector and end with a write of 0 to port 0xF4") {
  SUBCASE("the minimal ROM is that write at the reset vector") {
    auto rom = bench_rom({BenchGuest::kExitAtOnce});
    REQUIRE(rom.size() == kBenchRomSize);
    CHECK(rom[0xFFF0] == 0xB0);  // mov al, 0
    CHECK(rom[0xFFF1] == 0x00);
    CHECK(rom[0xFFF2] == 0xE6);  // out 0xF4, al
    CHECK(rom[0xFFF3] == 0xF4);
    CHECK(std::all_of(rom.begin(), rom.begin() + 0xFFF0, [](uint8_t b) { return b == 0; }));
  }
  SUBCASE("a real-mode port loop jumps to its code and carries its count") {
    auto rom = bench_rom({BenchGuest::kPortLoop, Privilege::kCpl0, 0x12345678});
    CHECK(rom[0xFFF0] == 0xE9);  // jmp near
    CHECK(contains(rom, {0x66, 0xB9, 0x78, 0x56, 0x34, 0x12}));  // mov ecx, count
    CHECK(contains(rom, {0xEE, 0x66, 0x49, 0x75, 0xFB}));        // out dx, al; dec ecx; jnz back to the out
    CHECK(contains(rom, {0xB0, 0x00, 0xE6, 0xF4}));
  }
  SUBCASE("a CPL3 loop loads a GDT from the ROM with accessed bits preset") {
    auto rom = bench_rom({BenchGuest::kMmioLoop, Privilege::kCpl3, 7});
    CHECK(contains(rom, {0xFF, 0xFF, 0, 0, 0, 0xFB, 0xCF, 0}));  // user code
    CHECK(contains(rom, {0xFF, 0xFF, 0, 0, 0, 0xF3, 0xCF, 0}));  // user data
    uint32_t address = kBenchMmioAddress;
    uint8_t store[5] = {0xA2};
    std::memcpy(store + 1, &address, 4);
    CHECK(std::search(rom.begin(), rom.end(), store, store + 5) != rom.end());
  }
}

TEST_CASE("a figure's ratio is its median over its baseline's, and JSON carries both") {
  Figure figure = compared(Figure{"x", "ms", Summary{6, 5, 7, 3}, "floor", Summary{2, 1, 3, 3}, std::nullopt, true, {}});
  REQUIRE(figure.ratio);
  CHECK(*figure.ratio == doctest::Approx(3.0));
  BenchReport report;
  report.sections.push_back(Section{"s", "S", {}, {figure}, {}});
  report.sections.push_back(Section{"k", "K", "needs /dev/kvm: missing", {}, {}});
  auto json = nlohmann::json::parse(write_json(report));
  CHECK(json["sections"][0]["figures"][0]["ratio"] == doctest::Approx(3.0));
  CHECK(json["sections"][0]["figures"][0]["baseline"]["median"] == 2);
  CHECK(json["sections"][0]["skipped"].is_null());
  CHECK(json["sections"][1]["skipped"] == "needs /dev/kvm: missing");
  CHECK(write_text(report).find("skipped: needs /dev/kvm: missing") != std::string::npos);
}

TEST_CASE("the text report gives a whole count without decimals, a time three significant digits") {
  BenchReport report;
  report.sections.push_back(Section{"s", "S", {}, {Figure{"count", "instructions", Summary{360.5, 11, 402, 4}, {}, {}, {}, true, {}},
                                                   Figure{"time", "ms", Summary{2, 1.5, 120, 3}, {}, {}, {}, true, {}}}, {}});
  std::string text = write_text(report);
  CHECK(text.find("360.5 (11-402) instructions") != std::string::npos);
  CHECK(text.find("2.00 (1.50-120.0) ms") != std::string::npos);
}

TEST_CASE("the text report's figure names line up, a long one widening the column") {
  Summary one{1, 1, 1, 1};
  std::string long_name(45, 'n');
  BenchReport report;
  report.sections.push_back(Section{"s", "S", {}, {Figure{"short", "ms", one, {}, {}, {}, true, {}},
                                                   Figure{long_name, "ms", one, {}, {}, {}, true, {}}}, {}});
  std::string text = write_text(report);
  CHECK(text.find("   " + long_name + " 1.00 (1.00-1.00) ms") != std::string::npos);
  CHECK(text.find("   short" + std::string(long_name.size() + 1 - 5, ' ') + "1.00 (1.00-1.00) ms") != std::string::npos);
}

TEST_CASE("QEMU's exec log: CPL0 blocks counted, a string instruction once per 1024 iterations, the boot path up to CPL3") {
  auto line = [](uint64_t address, unsigned cpl) {
    char text[128];
    std::snprintf(text, sizeof text, "Trace 0: 0x7f0a40000100 [00000000ffff0000/%016llx/%08x/ff000201] ",
                  static_cast<unsigned long long>(address), 0x40u | cpl);
    return std::string(text);
  };
  ExecLogCounter counter;
  counter.add_line(line(0xfffffff0, 0));
  counter.add_line(line(0xfffff000, 0));
  for (int i = 0; i < 2048; ++i) counter.add_line(line(0x1000, 0));  // rep movsq, 2048 times: 2
  counter.add_line("Linking TBs 0x7f0a40000100 index 0 -> 0x7f0a40000240");  // not a block
  CHECK(counter.counted().boot == 4);
  counter.add_line(line(0x400000, 3));
  counter.add_line(line(0x1000, 3));
  counter.add_line(line(0x1000, 0));  // after CPL3: a new instruction, not a repeat
  counter.add_line(line(0x1000, 0));  // a rep's second iteration: not counted
  counter.add_line(line(0x2000, 0));
  CHECK(counter.counted().boot == 4);
  CHECK(counter.counted().total == 6);
}

TEST_CASE("a guest that never ends under QEMU ends its count at the deadline, QEMU killed") {
  const std::string qemu = "/usr/bin/qemu-system-x86_64";  // scripts/setup installs it
  if (::access(qemu.c_str(), X_OK) != 0) {
    MESSAGE("no " << qemu << ": not run");
    return;
  }
  auto spin = slotbox::loader::find_named_image("faults/spin");
  REQUIRE(spin);
  REQUIRE(*spin);
  auto counted = count_cpl0_instructions(qemu, (*spin)->rom_path, "512M", 1);
  REQUIRE_FALSE(counted);
  CHECK(counted.error().message().find("still running after 1 s") != std::string::npos);
}
