// The instructions a ROM runs at CPL0, counted under QEMU: an estimate of what KVM on PVM
// emulates for it (PVM emulates every CPL0 instruction; insn_emulation counts them), on
// machines without PVM. QEMU runs on TCG one instruction per block (-singlestep) and logs
// every block it runs (-d exec,nochain); the log is read from a pipe as it comes.
#pragma once

#include "host/base/error.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace slotbox::bench {

struct Cpl0Instructions {
  uint64_t boot = 0;   // from reset to the first CPL3 instruction: the boot path
  uint64_t total = 0;  // the whole run: the boot path and every kernel call and trap
};

// Counts from QEMU's exec log, one line at a time. A string instruction with a rep prefix
// logs once per iteration at the same address; KVM's emulator repeats it without going
// back to the guest, re-entering every 1024 iterations, so a run of them counts once per
// 1024.
class ExecLogCounter {
public:
  void add_line(std::string_view line);
  const Cpl0Instructions& counted() const { return m_counted; }

private:
  Cpl0Instructions m_counted;
  bool m_reached_cpl3 = false;
  uint64_t m_previous_address = UINT64_MAX;  // the last CPL0 instruction's; reset at CPL3
  uint64_t m_repeats = 0;
};

// `qemu` (-M pc, TCG, a CPU with 1 GiB pages like KVM's on shadow paging) runs `rom_path`
// with `ram` until the guest exits; gives up after `deadline_seconds`.
Result<Cpl0Instructions> count_cpl0_instructions(const std::string& qemu, const std::string& rom_path,
                                                 const std::string& ram, int deadline_seconds);

} // namespace slotbox::bench
