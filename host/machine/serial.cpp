#include "host/machine/serial.h"

#include "slotbox/abi.h"

namespace slotbox::machine {
namespace {

// 16550 register offsets from the base port (THR/RBR at 0, LSR at 5).
constexpr uint64_t kTransmitOffset = 0;
constexpr uint64_t kLineStatusOffset = abi::kSerialLineStatusPort - abi::kSerialPort;

} // namespace

uint64_t Serial::read(uint64_t offset, unsigned) {
  return offset == kLineStatusOffset ? abi::kLineStatusTransmitterEmpty : 0;
}

void Serial::write(uint64_t offset, unsigned, uint64_t value) {
  if (offset == kTransmitOffset) m_sink(static_cast<char>(value));
}

} // namespace slotbox::machine
