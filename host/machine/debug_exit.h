// QEMU's isa-debug-exit at 0xF4 (iosize 4): a write of v ends the run with guest status v.
// QEMU itself exits with (v << 1) | 1; slotbox reports v.
#pragma once

#include "host/memory/region.h"

#include <cstdint>
#include <optional>

namespace slotbox::machine {

class DebugExit final : public memory::MmioHandler {
public:
  static constexpr uint64_t kPortCount = 4;

  uint64_t read(uint64_t, unsigned) override { return kReadValue; }
  void write(uint64_t, unsigned, uint64_t value) override {
    m_status = static_cast<uint32_t>(value);
  }

  std::optional<uint32_t> status() const { return m_status; }

private:
  static constexpr uint64_t kReadValue = 0; // QEMU's debug_exit_read
  std::optional<uint32_t> m_status;
};

} // namespace slotbox::machine
