// The guests the benchmarks run: 64 KiB ROMs, hand-assembled here so slotbox, the raw
// floor and QEMU run byte for byte the same code and no image header or runtime is
// involved. Each starts at the reset vector in real mode and ends by writing 0 to the
// exit port 0xF4 (isa-debug-exit), as `slotbox run ROM` and QEMU expect.
#pragma once

#include <cstdint>
#include <vector>

namespace slotbox::bench {

enum class BenchGuest {
  kExitAtOnce,   // the reset vector writes 0 to port 0xF4: the minimal ROM
  kPortLoop,     // `count` writes to port 0x80 (unassigned), then the exit
  kMmioLoop,     // `count` writes to the ROM itself (a read-only slot: one MMIO exit each)
  kTouchPages,   // one write per 4 KiB page of [kTouchStart, kTouchStart + count pages)
};

enum class Privilege { kCpl0, kCpl3 };

struct BenchRomSpec {
  BenchGuest guest = BenchGuest::kExitAtOnce;
  Privilege privilege = Privilege::kCpl0;  // kCpl3: the loop runs in 32-bit protected mode at CPL3 (IOPL 3)
  uint32_t count = 1;                      // loop iterations; at least 1
};

inline constexpr uint64_t kBenchRomSize = 64 * 1024;
inline constexpr uint64_t kBenchRomBase = 0x1'0000'0000 - kBenchRomSize;  // ends at 4 GiB
inline constexpr uint16_t kBenchLoopPort = 0x80;
inline constexpr uint32_t kBenchMmioAddress = 0xFFFF8000;  // inside the ROM
inline constexpr uint32_t kTouchStart = 16 * 1024 * 1024;   // above the ROM's low aliases

std::vector<uint8_t> bench_rom(const BenchRomSpec& spec);

} // namespace slotbox::bench
