// The guest side of the host-assist port (abi.h): ask the slotbox host for what only it
// can see or do. Under QEMU there is no host assist: host_present() is false and checks
// that need it report SKIP.
#pragma once

#include "slotbox/abi.h"

#include <stdint.h>

namespace slotbox::guest {

struct HostReply {
  abi::HostStatus status;
  uint64_t value[6];
  bool ok() const { return status == abi::HostStatus::kOk; }
};

bool host_present();
HostReply host_call(abi::HostOp op, uint64_t a = 0, uint64_t b = 0, uint64_t c = 0, uint64_t d = 0,
                    uint64_t e = 0);
// A KVM statistic by name (pf_fixed, exits, ...); ~0 when unavailable.
uint64_t host_stat(const char* name);
// Reads and writes the host counted at [start, end) of the port or MMIO space.
HostReply host_exit_count(abi::ExitKind kind, uint64_t start, uint64_t end);

inline constexpr const char* kNoHostAssist = "no slotbox host assist (QEMU?)";

} // namespace slotbox::guest
