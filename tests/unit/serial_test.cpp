// COM1's 16550 registers as QEMU's serial answers them (hw/char/serial.c).
#include "host/machine/serial.h"

#include <doctest/doctest.h>

#include <string>

using slotbox::machine::Serial;

namespace {

enum : uint64_t { kData = 0, kIer = 1, kIir = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6, kScr = 7 };
constexpr uint8_t kDlab = 0x80;

struct Console {
  std::string text;
  Serial serial{[this](char c) { text += c; }};
};

} // namespace

TEST_CASE("serial registers read QEMU's reset values") {
  Console c;
  CHECK(c.serial.read(kData, 1) == 0x00);
  CHECK(c.serial.read(kIer, 1) == 0x00);
  CHECK(c.serial.read(kIir, 1) == 0x01);
  CHECK(c.serial.read(kLcr, 1) == 0x00);
  CHECK(c.serial.read(kMcr, 1) == 0x08);
  CHECK(c.serial.read(kLsr, 1) == 0x60);
  CHECK(c.serial.read(kMsr, 1) == 0xB0);
  CHECK(c.serial.read(kScr, 1) == 0x00);
  CHECK(c.serial.divisor() == 0x0C);
}

TEST_CASE("serial THR writes are console bytes and leave the transmitter empty") {
  Console c;
  for (char ch : std::string("ok 1\n")) c.serial.write(kData, 1, static_cast<uint8_t>(ch));
  CHECK(c.text == "ok 1\n");
  CHECK(c.serial.read(kLsr, 1) == 0x60);
}

TEST_CASE("serial LCR reads back what was written") {
  Console c;
  for (uint8_t value : {0x03, 0x1B, 0x83, 0x00}) {
    c.serial.write(kLcr, 1, value);
    CHECK(c.serial.read(kLcr, 1) == value);
  }
}

TEST_CASE("serial with DLAB set: 0x3F8/0x3F9 are the divisor latch, not characters") {
  Console c;
  c.serial.write(kLcr, 1, kDlab | 0x03);
  c.serial.write(kData, 1, 0x01);  // 115200 baud
  c.serial.write(kIer, 1, 0x00);
  CHECK(c.text.empty());
  CHECK(c.serial.divisor() == 0x0001);
  CHECK(c.serial.read(kData, 1) == 0x01);
  CHECK(c.serial.read(kIer, 1) == 0x00);
  c.serial.write(kIer, 1, 0x12);
  CHECK(c.serial.divisor() == 0x1201);
  CHECK(c.serial.read(kIer, 1) == 0x12);
  SUBCASE("clearing DLAB brings back THR and IER") {
    c.serial.write(kLcr, 1, 0x03);
    c.serial.write(kData, 1, 'x');
    CHECK(c.text == "x");
    CHECK(c.serial.read(kIer, 1) == 0x00);
    CHECK(c.serial.divisor() == 0x1201);
  }
}

TEST_CASE("serial IER keeps its low four bits") {
  Console c;
  c.serial.write(kIer, 1, 0xF5);
  CHECK(c.serial.read(kIer, 1) == 0x05);
}

TEST_CASE("serial FCR enables the FIFOs, which IIR shows in bits 6-7") {
  Console c;
  c.serial.write(kIir, 1, 0x07);  // enable, clear both (what the guest console writes)
  CHECK(c.serial.read(kIir, 1) == 0xC1);
  CHECK(c.serial.read(kLsr, 1) == 0x60);
  c.serial.write(kIir, 1, 0x00);
  CHECK(c.serial.read(kIir, 1) == 0x01);
}

TEST_CASE("serial IIR names a THR-empty interrupt once when IER enables it") {
  Console c;
  c.serial.write(kIer, 1, 0x02);
  CHECK(c.serial.read(kIir, 1) == 0x02);
  CHECK(c.serial.read(kIir, 1) == 0x01);  // the read acknowledged it
  c.serial.write(kData, 1, 'a');
  CHECK(c.serial.read(kIir, 1) == 0x02);
}

TEST_CASE("serial MCR keeps its low five bits and SCR is a scratch byte") {
  Console c;
  c.serial.write(kMcr, 1, 0xEB);
  CHECK(c.serial.read(kMcr, 1) == 0x0B);
  c.serial.write(kScr, 1, 0x5A);
  CHECK(c.serial.read(kScr, 1) == 0x5A);
}

TEST_CASE("serial LSR and MSR writes are ignored") {
  Console c;
  c.serial.write(kLsr, 1, 0x00);
  c.serial.write(kMsr, 1, 0x00);
  CHECK(c.serial.read(kLsr, 1) == 0x60);
  CHECK(c.serial.read(kMsr, 1) == 0xB0);
}

TEST_CASE("serial loopback returns THR bytes in RBR and mirrors MCR in MSR") {
  Console c;
  c.serial.write(kMcr, 1, 0x10 | 0x0B);  // LOOP, OUT2, RTS, DTR
  c.serial.write(kData, 1, 'z');
  CHECK(c.text.empty());
  CHECK(c.serial.read(kLsr, 1) == 0x61);
  CHECK(c.serial.read(kData, 1) == 'z');
  CHECK(c.serial.read(kLsr, 1) == 0x60);
  CHECK(c.serial.read(kMsr, 1) == 0xB0);  // DCD (OUT2), DSR (DTR), CTS (RTS)
}

TEST_CASE("serial: kvm-unit-tests' set-up sequence prints nothing and leaves the console working") {
  Console c;
  c.serial.write(kLcr, 1, c.serial.read(kLcr, 1) | kDlab);
  c.serial.write(kData, 1, 0x01);  // 115200 baud
  c.serial.write(kIer, 1, 0x00);
  c.serial.write(kLcr, 1, c.serial.read(kLcr, 1) & ~kDlab);
  c.serial.write(kIer, 1, 0x00);
  c.serial.write(kLcr, 1, 0x03);
  c.serial.write(kIir, 1, 0x00);
  c.serial.write(kMcr, 1, 0x03);
  CHECK(c.text.empty());
  CHECK(c.serial.divisor() == 1);
  CHECK((c.serial.read(kLsr, 1) & 0x20) != 0);
  c.serial.write(kData, 1, 'P');
  CHECK(c.text == "P");
}
