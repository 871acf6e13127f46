// QEMU's pc-testdev (hw/misc/pc-testdev.c), the device kvm-unit-tests kernels expect beside
// isa-debug-exit: a 32-bit scratch port at 0xE0 (readable and writable at any width and
// byte offset) and the same value bytewise at 0xE8; a "flush page" port at 0xE4 whose 32-bit
// write of a guest-physical address makes the host drop and re-create its mapping of that
// page (so the guest's next access faults through KVM's MMU again); IRQ line ports at
// 0x2000+n whose byte write raises (non-zero) or lowers (zero) interrupt line n; and a 64 KiB
// MMIO window ("iomem") at 0xFF000000 backed by a buffer, which is MMIO in QEMU too: every
// access is an exit, which is what the emulator tests want.
#pragma once

#include "host/memory/region.h"

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace slotbox::machine {

class PcTestdev {
public:
  static constexpr uint16_t kIoportBase = 0xE0;
  static constexpr uint16_t kFlushPort = 0xE4;
  static constexpr uint16_t kIoportByteBase = 0xE8;
  static constexpr uint16_t kIrqLineBase = 0x2000;
  static constexpr uint64_t kIoportSize = 4;
  static constexpr uint64_t kIrqLineCount = 24;  // the I/O APIC's pins
  static constexpr uint64_t kIomemBase = 0xFF000000;
  static constexpr uint64_t kIomemSize = 0x10000;
  static constexpr uint64_t kPageSize = 4096;

  // Raise (true) or lower (false) interrupt line `irq`.
  using IrqLine = std::function<void(int irq, bool level)>;
  // Host memory behind the guest page at a page-aligned gpa, or null when it is not RAM.
  using GuestPage = std::function<uint8_t*(uint64_t gpa)>;

  explicit PcTestdev(IrqLine irq_line = {}) : m_irq_line(std::move(irq_line)) {}
  PcTestdev(const PcTestdev&) = delete;
  PcTestdev& operator=(const PcTestdev&) = delete;

  void set_guest_page(GuestPage guest_page) { m_guest_page = std::move(guest_page); }

  memory::MmioHandler& ioport() { return m_ioport; }
  memory::MmioHandler& ioport_byte() { return m_ioport_byte; }
  memory::MmioHandler& flush() { return m_flush; }
  memory::MmioHandler& irq_lines() { return m_irq_lines; }
  memory::MmioHandler& iomem() { return m_iomem; }

  uint32_t scratch() const { return m_scratch; }
  uint64_t pages_flushed() const { return m_pages_flushed; }

private:
  uint64_t read_scratch(uint64_t offset, unsigned size) const;
  void write_scratch(uint64_t offset, unsigned size, uint64_t value);
  void flush_page(uint64_t gpa);

  // One handler per QEMU region, each forwarding to the device.
  struct Ioport final : memory::MmioHandler {
    PcTestdev& dev;
    explicit Ioport(PcTestdev& d) : dev(d) {}
    uint64_t read(uint64_t offset, unsigned size) override { return dev.read_scratch(offset, size); }
    void write(uint64_t offset, unsigned size, uint64_t value) override { dev.write_scratch(offset, size, value); }
  };
  // QEMU implements 0xE8 one byte at a time: a wider access is split into byte accesses.
  struct IoportByte final : memory::MmioHandler {
    PcTestdev& dev;
    explicit IoportByte(PcTestdev& d) : dev(d) {}
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
  };
  struct Flush final : memory::MmioHandler {
    PcTestdev& dev;
    explicit Flush(PcTestdev& d) : dev(d) {}
    uint64_t read(uint64_t, unsigned) override { return 0; }
    void write(uint64_t offset, unsigned size, uint64_t value) override;
  };
  struct IrqLines final : memory::MmioHandler {
    PcTestdev& dev;
    explicit IrqLines(PcTestdev& d) : dev(d) {}
    uint64_t read(uint64_t, unsigned) override { return 0; }
    void write(uint64_t offset, unsigned size, uint64_t value) override;
  };
  struct Iomem final : memory::MmioHandler {
    std::vector<uint8_t> buffer = std::vector<uint8_t>(kIomemSize, 0);
    uint64_t read(uint64_t offset, unsigned size) override;
    void write(uint64_t offset, unsigned size, uint64_t value) override;
  };

  IrqLine m_irq_line;
  GuestPage m_guest_page;
  uint32_t m_scratch = 0;
  uint64_t m_pages_flushed = 0;
  Ioport m_ioport{*this};
  IoportByte m_ioport_byte{*this};
  Flush m_flush{*this};
  IrqLines m_irq_lines{*this};
  Iomem m_iomem;
};

} // namespace slotbox::machine
