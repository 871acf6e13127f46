// Symbols, files and lines from real guest images' ELFs (built beside their ROMs), and the
// crash report text made from them.
#include "host/debug/crash_report.h"
#include "host/debug/symbolizer.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

namespace slotbox::debug {
namespace {

const std::string kImages = SLOTBOX_IMAGE_DIR;
const std::string kSources = SLOTBOX_SOURCE_DIR;

// The 1-based number of the first line of `path` holding `needle`.
int line_of(const std::string& path, const std::string& needle) {
  std::ifstream file(path);
  std::string line;
  for (int number = 1; std::getline(file, line); ++number)
    if (line.find(needle) != std::string::npos) return number;
  return -1;
}

// Every address of image_main() (from its symbol to the next function), looked up.
std::vector<std::vector<SourceLocation>> image_main_locations(const Symbolizer& symbols) {
  auto start = symbols.symbol_address("_Z10image_mainv");
  REQUIRE(start);
  std::vector<std::vector<SourceLocation>> all;
  for (uint64_t address = *start;; ++address) {
    auto locations = symbols.locate(address);
    REQUIRE(!locations.empty());
    if (locations.back().function != "image_main()") break;
    all.push_back(locations);
  }
  return all;
}

TEST_CASE("symbolizer: faults/divide-error's division is in image_main() at its source line") {
  auto symbols = Symbolizer::open(kImages + "/faults/divide-error.elf");
  REQUIRE(symbols);
  int division = line_of(kSources + "/images/faults/divide-error/divide_error.cpp", "divq");
  REQUIRE(division > 0);
  auto all = image_main_locations(*symbols);
  REQUIRE(all.size() > 4);
  bool found = false;
  for (const auto& locations : all)
    found = found || (locations[0].line == division && locations[0].file.ends_with("divide_error.cpp"));
  CHECK(found);
}

TEST_CASE("symbolizer: an inlined call unfolds into the inlined function and its call site") {
  auto symbols = Symbolizer::open(kImages + "/faults/page-fault.elf");
  REQUIRE(symbols);
  int call = line_of(kSources + "/images/faults/page-fault/page_fault.cpp", "mmio_read<uint64_t>(kUnmapped)");
  REQUIRE(call > 0);
  bool found = false;
  for (const auto& locations : image_main_locations(*symbols)) {
    if (locations.size() < 2 || locations[0].function.find("mmio_read") == std::string::npos) continue;
    CHECK(locations[0].inlined);
    CHECK(locations[0].file.ends_with("io.h"));
    CHECK(locations.back().line == call);
    CHECK(locations.back().file.ends_with("page_fault.cpp"));
    CHECK_FALSE(locations.back().inlined);
    found = true;
  }
  CHECK(found);
}

TEST_CASE("symbolizer: a return address names the call before it") {
  auto symbols = Symbolizer::open(kImages + "/faults/divide-error.elf");
  REQUIRE(symbols);
  auto user_start = symbols->symbol_address("user_start");
  auto image_main = symbols->symbol_address("_Z10image_mainv");
  REQUIRE(user_start);
  REQUIRE(image_main);
  // An address in image_main() as a return address of the previous function's last
  // byte would name that function; the start of user_start + 1 as a return address names
  // user_start's first instruction.
  CHECK(symbols->locate(*user_start + 1, true).back().function == "user_start");
  CHECK(symbols->locate(*user_start + 1, false).back().function == "user_start");
}

TEST_CASE("symbolizer: a missing ELF is bad input naming the file") {
  auto symbols = Symbolizer::open(kImages + "/no-such-image.elf");
  REQUIRE_FALSE(symbols);
  CHECK(symbols.error().kind == ErrorKind::kBadInput);
  CHECK(symbols.error().message().find("no-such-image.elf") != std::string::npos);
}

TEST_CASE("crash report: registers, then one line per frame, with or without symbols") {
  CrashState state{"the runtime's trap frame: #DE on vCPU 0", {}, {}};
  state.registers.rip = 0x200019;
  state.registers[Gpr::kRbp] = 0x7ff0;
  auto symbols = Symbolizer::open(kImages + "/faults/divide-error.elf");
  REQUIRE(symbols);
  auto user_start = symbols->symbol_address("user_start");
  REQUIRE(user_start);
  state.frames = {*symbols->symbol_address("_Z10image_mainv"), *user_start + 1};

  SUBCASE("without an ELF: bare addresses") {
    auto lines = crash_report_lines(symbolize(state, nullptr, "nowhere (no ELF)"));
    CHECK(lines.front() == "crash: registers from the runtime's trap frame: #DE on vCPU 0");
    CHECK(lines.end()[-2].starts_with("#0 0x"));
    CHECK(lines.back().ends_with(" in ??"));
  }
  SUBCASE("with the image's ELF: functions, files, lines") {
    auto lines = crash_report_lines(symbolize(state, &*symbols, "divide-error.elf"));
    CHECK(lines[1].find("rax    0x0000000000000000") == 0);
    bool rip_shown = false;
    for (const auto& line : lines) rip_shown = rip_shown || line.find("rip    0x0000000000200019") != std::string::npos;
    CHECK(rip_shown);
    CHECK(lines.end()[-2].find(" in image_main() at ") != std::string::npos);
    CHECK(lines.end()[-2].find("divide_error.cpp:") != std::string::npos);
    CHECK(lines.back().starts_with("#1 0x"));
    CHECK(lines.back().find(" in user_start at ") != std::string::npos);
  }
}

} // namespace
} // namespace slotbox::debug
