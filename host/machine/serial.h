// COM1 at 0x3F8, as much of a 16550 as a polling console needs: THR writes are console
// bytes and LSR always reads "transmitter empty". Other registers read 0.
#pragma once

#include "host/memory/region.h"

#include <functional>

namespace slotbox::machine {

class Serial final : public memory::MmioHandler {
public:
  static constexpr uint64_t kPortCount = 8;
  using Sink = std::function<void(char)>;

  explicit Serial(Sink sink) : m_sink(std::move(sink)) {}

  uint64_t read(uint64_t offset, unsigned size) override;
  void write(uint64_t offset, unsigned size, uint64_t value) override;

private:
  Sink m_sink;
};

} // namespace slotbox::machine
