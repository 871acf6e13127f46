// The framing of gdb's remote serial protocol (gdb manual, "Remote Protocol" / "Overview"):
// a packet is $payload#xx, xx the payload's byte sum modulo 256 in two hex digits; the
// receiver acknowledges with '+' (or asks again with '-'); a lone 0x03 byte while the
// target runs is Ctrl-C. In binary data (X packets, qXfer replies) '#', '$', '}' and '*'
// are sent as '}' followed by the byte XOR 0x20. Pure: no sockets here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slotbox::debug::gdb {

inline constexpr char kInterrupt = 0x03;

uint8_t checksum(std::string_view payload);
// "$" + the payload with binary escapes + "#" + checksum.
std::string frame(std::string_view payload);
std::string escape_binary(std::string_view data);
std::string unescape_binary(std::string_view data);

std::string to_hex(std::span<const uint8_t> bytes);
// Nothing for an odd length or a character that is not a hex digit.
std::optional<std::vector<uint8_t>> from_hex(std::string_view text);
// A hex number as gdb writes addresses and lengths ("7f0000000000"); nothing if malformed.
std::optional<uint64_t> parse_hex_number(std::string_view text);

struct PacketEvent {
  enum class Kind { kPacket, kBadChecksum, kInterrupt, kAck, kNack };
  Kind kind;
  std::string payload;  // for kPacket: unescaped is left to the command (only X carries binary)
};

// Bytes from gdb in, events out, however the bytes were split across reads.
class PacketReader {
public:
  void feed(std::string_view bytes) { m_buffer += bytes; }
  std::optional<PacketEvent> next();

private:
  std::string m_buffer;
};

} // namespace slotbox::debug::gdb
