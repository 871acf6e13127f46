#include "host/machine/serial.h"

namespace slotbox::machine {
namespace {

// 16550 registers, as offsets from the base port (PC16550D data sheet, table 2).
enum Offset : uint64_t {
  kData = 0,             // RBR (read) / THR (write); divisor latch low with DLAB
  kInterruptEnable = 1,  // IER; divisor latch high with DLAB
  kInterruptId = 2,      // IIR (read) / FCR (write)
  kLineControl = 3,
  kModemControl = 4,
  kLineStatus = 5,
  kModemStatus = 6,
  kScratch = 7,
};

constexpr uint8_t kLineControlDlab = 0x80;
constexpr uint8_t kModemControlLoop = 0x10;
constexpr uint8_t kModemControlMask = 0x1F;
constexpr uint8_t kInterruptEnableMask = 0x0F;
constexpr uint8_t kIerReceiveData = 0x01;
constexpr uint8_t kIerTransmitEmpty = 0x02;
constexpr uint8_t kIerLineStatus = 0x04;
constexpr uint8_t kIerModemStatus = 0x08;
constexpr uint8_t kIirNoInterrupt = 0x01;
constexpr uint8_t kIirLineStatus = 0x06;
constexpr uint8_t kIirReceiveData = 0x04;
constexpr uint8_t kIirTransmitEmpty = 0x02;
constexpr uint8_t kIirModemStatus = 0x00;
constexpr uint8_t kIirIdMask = 0x06;
constexpr uint8_t kIirFifoEnabled = 0xC0;
constexpr uint8_t kFcrEnable = 0x01;
constexpr uint8_t kFcrClearReceive = 0x02;
constexpr uint8_t kFcrClearTransmit = 0x04;
constexpr uint8_t kFcrStoredBits = 0xC9;  // enable, DMA mode, trigger level (QEMU keeps these)
constexpr uint8_t kLsrDataReady = 0x01;
constexpr uint8_t kLsrOverrun = 0x02;
constexpr uint8_t kLsrErrors = 0x1E;      // overrun, parity, framing, break
constexpr uint8_t kLsrBreak = 0x10;
constexpr uint8_t kLsrHoldingEmpty = 0x20;   // THRE
constexpr uint8_t kLsrTransmitEmpty = 0x60;  // THRE | TEMT
constexpr uint8_t kMsrDeltas = 0x0F;

} // namespace

bool Serial::dlab() const { return m_line_control & kLineControlDlab; }
bool Serial::loopback() const { return m_modem_control & kModemControlLoop; }

uint64_t Serial::read(uint64_t offset, unsigned) {
  switch (offset) {
  case kData: return dlab() ? m_divisor & 0xFF : read_receive();
  case kInterruptEnable: return dlab() ? m_divisor >> 8 : m_interrupt_enable;
  case kInterruptId: return read_interrupt_id();
  case kLineControl: return m_line_control;
  case kModemControl: return m_modem_control;
  case kLineStatus: return read_line_status();
  case kModemStatus: return read_modem_status();
  case kScratch: return m_scratch;
  }
  return 0;
}

void Serial::write(uint64_t offset, unsigned, uint64_t value) {
  auto byte = static_cast<uint8_t>(value);
  switch (offset) {
  case kData:
    if (dlab()) m_divisor = static_cast<uint16_t>((m_divisor & 0xFF00) | byte);
    else transmit(byte);
    break;
  case kInterruptEnable:
    if (dlab()) m_divisor = static_cast<uint16_t>((m_divisor & 0x00FF) | (byte << 8));
    else write_interrupt_enable(byte);
    break;
  case kInterruptId: write_fifo_control(byte); break;
  case kLineControl: m_line_control = byte; break;
  case kModemControl: m_modem_control = byte & kModemControlMask; break;
  case kScratch: m_scratch = byte; break;
  default: break;  // LSR and MSR are read-only
  }
}

// The byte leaves at once (the sink never blocks), so THR and the shift register are
// empty again by the time the guest can look, and a THR-empty interrupt is pending.
void Serial::transmit(uint8_t byte) {
  if (loopback()) {
    if (m_line_status & kLsrDataReady) m_line_status |= kLsrOverrun;
    m_receive = byte;
    m_line_status |= kLsrDataReady;
  } else {
    m_sink(static_cast<char>(byte));
  }
  m_line_status |= kLsrTransmitEmpty;
  m_transmit_pending = true;
  update_interrupt_id();
}

void Serial::write_interrupt_enable(uint8_t value) {
  uint8_t changed = (m_interrupt_enable ^ value) & kInterruptEnableMask;
  m_interrupt_enable = value & kInterruptEnableMask;
  if (changed & kIerTransmitEmpty)
    m_transmit_pending = (m_interrupt_enable & kIerTransmitEmpty) && (m_line_status & kLsrHoldingEmpty);
  update_interrupt_id();
}

// Turning the FIFOs on or off clears them, as on the 16550.
void Serial::write_fifo_control(uint8_t value) {
  if ((value ^ m_fifo_control) & kFcrEnable) value |= kFcrClearReceive | kFcrClearTransmit;
  if (value & kFcrClearReceive) m_line_status &= static_cast<uint8_t>(~(kLsrDataReady | kLsrBreak));
  if (value & kFcrClearTransmit) {
    m_line_status |= kLsrHoldingEmpty;
    m_transmit_pending = true;
  }
  m_fifo_control = value & kFcrStoredBits;
  update_interrupt_id();
}

uint8_t Serial::read_receive() {
  m_line_status &= static_cast<uint8_t>(~(kLsrDataReady | kLsrBreak));
  update_interrupt_id();
  return m_receive;
}

// Reading IIR while it names THR-empty acknowledges that interrupt.
uint8_t Serial::read_interrupt_id() {
  uint8_t value = m_interrupt_id;
  if ((value & kIirIdMask) == kIirTransmitEmpty && !(value & kIirNoInterrupt)) {
    m_transmit_pending = false;
    update_interrupt_id();
  }
  return value;
}

uint8_t Serial::read_line_status() {
  uint8_t value = m_line_status;
  if (m_line_status & (kLsrBreak | kLsrOverrun)) {
    m_line_status &= static_cast<uint8_t>(~(kLsrBreak | kLsrOverrun));
    update_interrupt_id();
  }
  return value;
}

// In loopback the modem inputs are the modem outputs: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD.
uint8_t Serial::read_modem_status() {
  if (loopback()) {
    return static_cast<uint8_t>(((m_modem_control & 0x0C) << 4) | ((m_modem_control & 0x02) << 3) |
                                ((m_modem_control & 0x01) << 5));
  }
  uint8_t value = m_modem_status;
  m_modem_status &= static_cast<uint8_t>(~kMsrDeltas);
  return value;
}

// The highest-priority pending source, as the 16550 ranks them.
void Serial::update_interrupt_id() {
  uint8_t id = kIirNoInterrupt;
  if ((m_interrupt_enable & kIerLineStatus) && (m_line_status & kLsrErrors)) id = kIirLineStatus;
  else if ((m_interrupt_enable & kIerReceiveData) && (m_line_status & kLsrDataReady)) id = kIirReceiveData;
  else if ((m_interrupt_enable & kIerTransmitEmpty) && m_transmit_pending) id = kIirTransmitEmpty;
  else if ((m_interrupt_enable & kIerModemStatus) && (m_modem_status & kMsrDeltas)) id = kIirModemStatus;
  m_interrupt_id = static_cast<uint8_t>(id | ((m_fifo_control & kFcrEnable) ? kIirFifoEnabled : 0));
}

} // namespace slotbox::machine
