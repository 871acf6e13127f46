// Hostile input (issue 13): files that are not what they claim, numbers that wrap, output
// targets that are not ours, a console that never stops, accesses that straddle devices.
#include "host/cli/console.h"
#include "host/cli/option_values.h"
#include "host/cli/output_file.h"
#include "host/loader/input_file.h"
#include "host/loader/map_file.h"
#include "host/machine/pc_memory_map.h"
#include "host/memory/address_space.h"
#include "memory_test_support.h"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace slotbox;

namespace {

// A directory in /tmp that goes away with the test.
struct TempDirectory {
  std::filesystem::path path;
  TempDirectory() {
    char pattern[] = "/tmp/slotbox-hostile-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDirectory() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& contents) const {
    std::ofstream(path / name, std::ios::binary) << contents;
    return (path / name).string();
  }
  size_t entries() const {
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(path), {}));
  }
};

std::string map_message(const TempDirectory& directory, const std::string& region_json) {
  std::string path = directory.write("m.json", "{\"regions\": [" + region_json + "]}");
  auto map = loader::read_map_file(path);
  return map ? std::string("accepted") : map.error().message();
}

} // namespace

TEST_CASE("input files must be regular files, checked before reading") {
  TempDirectory directory;
  std::string fifo = (directory.path / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  SUBCASE("a directory") {
    auto file = loader::InputFile::open("image d", directory.path.string());
    REQUIRE(!file);
    CHECK(file.error().message() == "image d: not a regular file (a directory)");
  }
  SUBCASE("a FIFO does not hang") {
    auto file = loader::InputFile::open("map f", fifo);
    REQUIRE(!file);
    CHECK(file.error().message() == "map f: not a regular file (a FIFO)");
  }
  SUBCASE("/dev/zero") {
    auto file = loader::InputFile::open("image z", "/dev/zero");
    REQUIRE(!file);
    CHECK(file.error().message() == "image z: not a regular file (a character device)");
  }
  SUBCASE("larger than the cap: refused before reading") {
    std::string path = directory.write("big", std::string(5000, 'x'));
    auto bytes = loader::read_input_file("image big", path, 4096);
    REQUIRE(!bytes);
    CHECK(bytes.error().message() == "image big: size 5000 is larger than 4 KiB");
    CHECK(bytes.error().kind == ErrorKind::kBadInput);
  }
  SUBCASE("the head and the whole of a good file") {
    std::string path = directory.write("good", "abcdef");
    auto file = loader::InputFile::open("image good", path);
    REQUIRE(file);
    CHECK(file->head(3)->size() == 3);
    CHECK(file->read_all(6)->size() == 6);
    CHECK(*file->read_all(6) == std::vector<uint8_t>{'a', 'b', 'c', 'd', 'e', 'f'});
  }
  SUBCASE("a file larger than fstat said (procfs says 0): read on to its end, still under the cap") {
    auto whole = loader::read_input_file("version", "/proc/version", 4096);
    REQUIRE(whole);
    CHECK(whole->size() > 10);
    CHECK(whole->back() == '\n');
    auto capped = loader::read_input_file("version", "/proc/version", 8);
    REQUIRE(!capped);
    CHECK(capped.error().message() == "version: grew past 8 bytes while being read");
  }
}

TEST_CASE("map numbers: decimal or 0x hex with K/M/G, never octal, negative or wrapped") {
  CHECK(*loader::parse_map_number("010") == 10);
  CHECK(*loader::parse_map_number("0x10") == 16);
  CHECK(*loader::parse_map_number("16M") == 16ull << 20);
  CHECK(*loader::parse_map_number("0") == 0);
  CHECK(loader::parse_map_number("-4096").error() == "\"-4096\" is not a number (use 4096, 0x1000 or 16M)");
  CHECK(loader::parse_map_number("0x10000000000000000").error() == "\"0x10000000000000000\" is too large");
  CHECK(loader::parse_map_number("0xffffffffffffffffK").error() == "\"0xffffffffffffffffK\" is too large");
  CHECK(!loader::parse_map_number(""));
  CHECK(!loader::parse_map_number(" 1"));
  CHECK(!loader::parse_map_number("1T"));
}

TEST_CASE("map files: what a region may make slotbox read and allocate is bounded") {
  TempDirectory directory;
  directory.write("blob.bin", std::string(8192, 'b'));
  std::filesystem::create_directory(directory.path / "dir");
  std::string fifo = (directory.path / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto rom = [](const std::string& extra) {
    return R"({"name": "r", "type": "rom", "address": "0xd0000000", )" + extra + "}";
  };
  SUBCASE("a rom file that is a directory, a FIFO or /dev/zero") {
    CHECK(map_message(directory, rom(R"("file": "dir")")).ends_with("regions[0].file: " +
                                                                    (directory.path / "dir").string() +
                                                                    ": not a regular file (a directory)"));
    CHECK(map_message(directory, rom(R"("file": "fifo")")).ends_with("not a regular file (a FIFO)"));
    CHECK(map_message(directory, rom(R"("file": "/dev/zero")")).ends_with("not a regular file (a character device)"));
  }
  SUBCASE("a rom size far past its file") {
    CHECK(map_message(directory, rom(R"("file": "blob.bin", "size": "1G")")).ends_with("regions[0].size: is larger than 16 MiB"));
    CHECK(map_message(directory, rom(R"("file": "blob.bin", "size": "0xffffffffffffffff")"))
              .ends_with("regions[0].size: is larger than 16 MiB"));
  }
  SUBCASE("a rom size past its file: only the file's bytes are held, the rest reads as zeros") {
    auto map = loader::read_map_file(directory.write("m.json", "{\"regions\": [" + rom(R"("file": "blob.bin", "size": "16M")") + "]}"));
    REQUIRE(map);
    CHECK(map->regions[0].size == 16 << 20);
    CHECK(map->regions[0].contents.size() == 8192);
    std::vector<uint8_t> bios(256 * 1024);
    auto placed = machine::PcMemoryMap::create(1ull << 30, bios, &*map);
    REQUIRE(placed);
    const memory::FlatRange* range = (*placed)->memory().view().find(0xd0000000);
    REQUIRE(range);
    const uint8_t* rom_bytes = range->region->host() + range->offset;
    CHECK(rom_bytes[8191] == 'b');
    CHECK(rom_bytes[8192] == 0);
    CHECK(rom_bytes[(16 << 20) - 1] == 0);
  }
  SUBCASE("RAM past 64 GiB, alone or added up") {
    CHECK(map_message(directory, R"({"name": "r", "type": "ram", "address": 0, "size": "0xffffffffffffffff"})")
              .ends_with("regions[0].size: is larger than 64 GiB"));
    std::string half = R"({"name": "a", "type": "ram", "address": 0, "size": "40G"})";
    std::string other = R"({"name": "b", "type": "ram", "address": "0x1000000000", "size": "40G"})";
    CHECK(map_message(directory, half + "," + other).ends_with("regions[1]: the map's RAM and ROM add up to more than 64 GiB"));
  }
  SUBCASE("priorities stay in int32, negative ones included") {
    std::string mmio = R"({"name": "p", "type": "mmio", "address": 0, "size": "4K", "priority": )";
    CHECK(map_message(directory, mmio + "4294967296}").ends_with("regions[0].priority: must be an integer from -2147483648 to 2147483647"));
    CHECK(map_message(directory, mmio + "-2147483649}").ends_with("must be an integer from -2147483648 to 2147483647"));
    CHECK(map_message(directory, mmio + "-4096}") == "accepted");
  }
  SUBCASE("a negative size in a string") {
    CHECK(map_message(directory, R"({"name": "r", "type": "ram", "address": 0, "size": "-4096"})")
              .ends_with("regions[0].size: \"-4096\" is not a number (use 4096, 0x1000 or 16M)"));
  }
}

TEST_CASE("an alias of RAM off 4 KiB pages is refused when the map is placed, not by KVM later") {
  TempDirectory directory;
  std::vector<uint8_t> bios(256 * 1024);
  auto place = [&](const std::string& region) -> std::string {
    auto map = loader::read_map_file(directory.write("m.json", "{\"regions\": [" + region + "]}"));
    REQUIRE(map);
    auto placed = machine::PcMemoryMap::create(1ull << 30, bios, &*map);
    return placed ? std::string("accepted") : placed.error().message();
  };
  CHECK(place(R"({"name": "w", "type": "alias", "address": "0xd2000800", "size": "1M", "target": "pc.ram"})")
            .ends_with("regions[0]: an alias of RAM or ROM must start, end and point at 4 KiB pages"));
  CHECK(place(R"({"name": "w", "type": "alias", "address": "0xd2000000", "size": "1M", "target": "pc.ram", "offset": "0x800"})")
            .ends_with("must start, end and point at 4 KiB pages"));
  CHECK(place(R"({"name": "w", "type": "alias", "address": "0xd2000000", "size": "1M", "target": "pc.ram"})") == "accepted");
  // RAM regions have no file contents: placing one must not memcpy from a null pointer
  // (UBSan flagged it; the sanitizer build runs this).
  CHECK(place(R"({"name": "s", "type": "ram", "address": "0xd0000000", "size": "16M"})") == "accepted");
}

TEST_CASE("--timeout and --format values are slotbox's to check") {
  CHECK(cli::parse_timeout("").error().message() == "--timeout \"\": not a number of seconds (try 10 or 0.5)");
  CHECK(cli::parse_timeout("nan").error().message() == "--timeout \"nan\": not a number of seconds (try 10 or 0.5)");
  CHECK(cli::parse_timeout("0").error().message() == "--timeout \"0\": must be more than 0 and at most 86400 seconds");
  CHECK(cli::parse_timeout("-1").error().message() == "--timeout \"-1\": must be more than 0 and at most 86400 seconds");
  CHECK(cli::parse_timeout("1e9").error().message() == "--timeout \"1e9\": not a number of seconds (try 10 or 0.5)");
  CHECK(cli::parse_timeout("0.0001")->count() == 1);  // never rounded down to "no time at all"
  CHECK(cli::parse_timeout("2.5")->count() == 2500);
  // Found by tests/fuzz/options_fuzzer.cpp: the decimal is what counts, not its double.
  CHECK(cli::parse_timeout("2.007")->count() == 2007);
  CHECK(cli::parse_timeout("0.0000001")->count() == 1);
  CHECK(cli::parse_report_format("JSON").value() == cli::ReportFormat::kJson);
  CHECK(cli::parse_report_format("xml").error().message() == "--format \"xml\": must be text, tap, json or junit");
}

TEST_CASE("--output never replaces or follows anything but a regular file") {
  TempDirectory directory;
  std::string target = directory.write("victim", "keep me");
  std::string link = (directory.path / "link.json").string();
  std::filesystem::create_symlink(target, link);
  std::string fifo = (directory.path / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  SUBCASE("refused targets") {
    CHECK(cli::OutputFile::prepare("/dev/null").error().message() ==
          "--output /dev/null: is a character device, not a regular file");
    CHECK(cli::OutputFile::prepare(link).error().message().ends_with("is a symbolic link, not a regular file"));
    CHECK(cli::OutputFile::prepare(directory.path.string()).error().message().ends_with("is a directory, not a regular file"));
    CHECK(cli::OutputFile::prepare(fifo).error().message().ends_with("is a FIFO, not a regular file"));
    CHECK(cli::OutputFile::prepare(fifo).error().kind == ErrorKind::kBadInput);
    struct stat info{};
    REQUIRE(::stat("/dev/null", &info) == 0);
    CHECK(S_ISCHR(info.st_mode));
    CHECK(directory.entries() == 3);  // no temporary left by a refusal
  }
  SUBCASE("a report replaces a regular file whole, through a temporary") {
    auto output = cli::OutputFile::prepare(target);
    REQUIRE(output);
    CHECK(directory.entries() == 4);
    CHECK(output->temporary() != target + ".tmp");  // mkstemp's name, not one two runs share
    REQUIRE(output->commit("report\n"));
    CHECK(directory.entries() == 3);
    std::ifstream written(target);
    std::string line;
    std::getline(written, line);
    CHECK(line == "report");
  }
  SUBCASE("an abandoned report leaves no temporary and the target untouched") {
    { auto output = cli::OutputFile::prepare(target); REQUIRE(output); }
    CHECK(directory.entries() == 3);
    std::ifstream kept(target);
    std::string line;
    std::getline(kept, line);
    CHECK(line == "keep me");
  }
}

TEST_CASE("a console flood is echoed up to its cap, then counted, and the checks still count") {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* echo = open_memstream(&buffer, &size);
  {
    cli::Console console(echo);
    std::string ok_line = "ok 1 - a check whose name is long enough to fill the listing cap soon enough\n";
    uint64_t lines = 0;
    // Past both caps: the echo's bytes, and the listing's.
    while (lines < cli::Console::kDefaultEchoLimit / ok_line.size() + 1000 || console.unlisted().total() < 1000) {
      for (char byte : ok_line) console.put(byte);
      ++lines;
    }
    for (char byte : std::string("not ok 2 - the last one fails # x.cpp:1\n")) console.put(byte);
    console.flush();
    std::fclose(echo);
    std::string text(buffer, size);
    std::free(buffer);
    CHECK(text.size() <= cli::Console::kDefaultEchoLimit + 100);
    CHECK(text.ends_with("# console truncated after 4194304 bytes\n"));
    cli::CheckCounts all = cli::count(console.checks());
    all += console.unlisted();
    CHECK(all.passed == lines);
    CHECK(all.failed == 1);
    CHECK(console.unlisted().failed == 1);
    CHECK(console.checks().size() < lines);
  }
}

// Found by tests/fuzz/tap_line_fuzzer.cpp: the line was cut in two at the echo cap, so a
// failing "not ok" line counted as a pass and a "XFAIL: " line was lost.
TEST_CASE("a check line across the console's echo cap is still one check") {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* echo = open_memstream(&buffer, &size);
  cli::CheckCounts counts;
  {
    cli::Console console(echo, /*echo_limit=*/4);
    for (char byte : std::string("not ok 1 - fails\nXFAIL: known\n")) console.put(byte);
    console.flush();
    counts = cli::count(console.checks());
    counts += console.unlisted();
  }
  std::fclose(echo);
  std::string text(buffer, size);
  std::free(buffer);
  CHECK(counts.failed == 1);
  CHECK(counts.passed == 1);
  CHECK(text == "not \n# console truncated after 4 bytes\n");
}

TEST_CASE("an access straddling ranges is cut as QEMU cuts it: port 0xF2, 4 bytes") {
  using namespace slotbox::memory;
  using namespace slotbox::memory::testing;
  Tree tree;
  Region& io = tree.container("io", 0x10000);
  NullDevice exit_device;
  io.add_subregion(0xF4, tree.mmio("isa-debug-exit", 4, exit_device));
  AddressSpace space("I/O", io, ~0ull);
  space.write(0xF2, 4, 0x12345678);
  CHECK(exit_device.last_write_offset == 0);
  CHECK(exit_device.last_write_size == 2);
  CHECK(exit_device.last_value == 0x1234);
  CHECK(space.counters().unassigned_writes == 1);  // 0xF2-0xF3, one 2-byte piece
}
