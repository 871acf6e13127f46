// The pure parts of the gdb stub: packet framing, checksums, binary escapes, hex, and the
// register encoding against the target description gdb reads.
#include "host/debug/gdb_packet.h"
#include "host/debug/gdb_registers.h"

#include <doctest/doctest.h>

#include <regex>

namespace slotbox::debug::gdb {
namespace {

TEST_CASE("gdb packets: checksum and framing as gdb's manual shows them") {
  CHECK(checksum("") == 0);
  CHECK(checksum("OK") == 0x9a);
  CHECK(frame("OK") == "$OK#9a");
  CHECK(frame("g") == "$g#67");                // as gdb sends it (the transcript in the nested test)
  CHECK(frame("vCont;c") == "$vCont;c#a8");
  CHECK(frame("a}b") == "$a}]b#" + to_hex(std::vector<uint8_t>{checksum("a}]b")}));  // escaped before summing
}

TEST_CASE("gdb packets: the four bytes that must be escaped, and back") {
  std::string all = "#$}*x";
  std::string escaped = escape_binary(all);
  CHECK(escaped == std::string("}\x03}\x04}]}\x0ax"));
  CHECK(unescape_binary(escaped) == all);
  std::string binary;
  for (int c = 0; c < 256; ++c) binary += static_cast<char>(c);
  CHECK(unescape_binary(escape_binary(binary)) == binary);
}

TEST_CASE("gdb packets: hex both ways, and what is not hex") {
  CHECK(to_hex(std::vector<uint8_t>{0x00, 0xab, 0x7f}) == "00ab7f");
  CHECK(from_hex("00ab7F") == std::vector<uint8_t>{0x00, 0xab, 0x7f});
  CHECK_FALSE(from_hex("abc"));
  CHECK_FALSE(from_hex("zz"));
  CHECK(parse_hex_number("7f0000000000") == 0x7f0000000000ull);
  CHECK_FALSE(parse_hex_number(""));
  CHECK_FALSE(parse_hex_number("12g"));
}

TEST_CASE("gdb packets: the reader finds packets, acks and Ctrl-C in any split") {
  PacketReader reader;
  std::string stream = "+$g#67" + std::string(1, kInterrupt) + "$m10,4#" + to_hex(std::vector<uint8_t>{checksum("m10,4")}) +
                       "$g#00-";
  std::vector<PacketEvent::Kind> kinds;
  std::vector<std::string> payloads;
  for (char c : stream) {  // one byte at a time: the worst split
    reader.feed(std::string(1, c));
    while (auto event = reader.next()) {
      kinds.push_back(event->kind);
      payloads.push_back(event->payload);
    }
  }
  using Kind = PacketEvent::Kind;
  REQUIRE(kinds == std::vector{Kind::kAck, Kind::kPacket, Kind::kInterrupt, Kind::kPacket, Kind::kBadChecksum, Kind::kNack});
  CHECK(payloads[1] == "g");
  CHECK(payloads[3] == "m10,4");
}

TEST_CASE("gdb registers: the target description numbers what 'g' sends, in order") {
  std::string xml = target_xml();
  CHECK(xml.find("<architecture>i386:x86-64</architecture>") != std::string::npos);
  for (const char* feature : {"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", "org.gnu.gdb.i386.segments"})
    CHECK(xml.find(std::string("<feature name=\"") + feature + "\">") != std::string::npos);
  // The sum of the bit sizes is what one 'g' reply carries.
  std::regex reg(R"re(<reg name="(\w+)" bitsize="(\d+)")re");
  size_t bits = 0, count = 0;
  std::vector<std::string> names;
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), reg); it != std::sregex_iterator(); ++it) {
    bits += std::stoul((*it)[2]);
    names.push_back((*it)[1]);
    ++count;
  }
  CHECK(count == register_count());
  CHECK(encode_registers(GuestRegisters{}).size() == bits / 4);
  REQUIRE(names.size() > 24);
  CHECK(names[0] == "rax");
  CHECK(names[7] == "rsp");
  CHECK(names[16] == "rip");
  CHECK(names[17] == "eflags");
  CHECK(names[18] == "cs");
  CHECK(names[24] == "st0");
  CHECK(names.back() == "efer");
}

TEST_CASE("gdb registers: little-endian values at their places; writes take the general registers") {
  GuestRegisters regs;
  regs[Gpr::kRax] = 0x1122334455667788;
  regs.rip = 0x200019;
  regs.rflags = 0x10246;
  regs.cs = 0x23;
  regs.cr3 = 0x10000;
  std::string g = encode_registers(regs);
  CHECK(g.substr(0, 16) == "8877665544332211");
  CHECK(g.substr(16 * 16, 16) == "1900200000000000");       // rip after 16 general registers
  CHECK(g.substr(17 * 16, 8) == "46020100");                // eflags, 4 bytes
  CHECK(g.substr(17 * 16 + 8, 8) == "23000000");            // cs
  CHECK(encode_register(regs, 16) == "1900200000000000");
  CHECK_FALSE(encode_register(regs, register_count()));

  GuestRegisters written;
  REQUIRE(decode_registers(g, written));
  CHECK(written[Gpr::kRax] == regs[Gpr::kRax]);
  CHECK(written.rip == regs.rip);
  CHECK(written.rflags == regs.rflags);
  CHECK(written.cs == 0);    // segments are read-only here
  CHECK(written.cr3 == 0);   // and so are control registers
  REQUIRE(decode_register("efbeadde00000000", 3, written));  // rdx
  CHECK(written[Gpr::kRdx] == 0xdeadbeef);
  CHECK_FALSE(decode_register("efbe", 3, written));  // wrong width
  CHECK_FALSE(decode_registers("xyz", written));
}

} // namespace
} // namespace slotbox::debug::gdb
