// COM1 at 0x3F8: the 16550 registers a polling console and kvm-unit-tests touch, with the
// values QEMU's serial (hw/char/serial.c) gives them at reset. THR writes are console
// bytes; with LCR.DLAB set, offsets 0 and 1 are the divisor latch instead of THR/IER; in
// loopback (MCR.LOOP) a THR byte comes back in RBR instead of going to the console. No
// interrupt line is wired: IIR says what would be pending, nothing raises IRQ 4.
#pragma once

#include "host/memory/region.h"

#include <cstdint>
#include <functional>

namespace slotbox::machine {

class Serial final : public memory::MmioHandler {
public:
  static constexpr uint64_t kPortCount = 8;
  using Sink = std::function<void(char)>;

  explicit Serial(Sink sink) : m_sink(std::move(sink)) {}

  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

  uint16_t divisor() const { return m_divisor; }

private:
  bool dlab() const;
  bool loopback() const;
  void transmit(uint8_t byte);
  void write_fifo_control(uint8_t value);
  void write_interrupt_enable(uint8_t value);
  uint8_t read_receive();
  uint8_t read_interrupt_id();
  uint8_t read_line_status();
  uint8_t read_modem_status();
  void update_interrupt_id();

  Sink m_sink;
  // Reset values: QEMU's serial_reset().
  uint8_t m_receive = 0;
  uint8_t m_interrupt_enable = 0;
  uint8_t m_interrupt_id = 0x01;     // IIR: no interrupt pending
  uint8_t m_fifo_control = 0;
  uint8_t m_line_control = 0;
  uint8_t m_modem_control = 0x08;    // MCR.OUT2
  uint8_t m_line_status = 0x60;      // LSR: THRE | TEMT
  uint8_t m_modem_status = 0xB0;     // MSR: DCD | DSR | CTS
  uint8_t m_scratch = 0;
  uint16_t m_divisor = 0x0C;         // 9600 baud
  bool m_transmit_pending = false;   // QEMU's thr_ipending
};

} // namespace slotbox::machine
