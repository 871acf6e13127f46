// What `slotbox bench` reports: sections of figures, each figure beside the baseline
// measured in the same run and the ratio of their medians; and how to write it as text
// or JSON. A section that could not run says why instead.
#pragma once

#include "host/bench/samples.h"

#include <optional>
#include <string>
#include <vector>

namespace slotbox::bench {

struct Figure {
  std::string name;                   // "slotbox run min.rom"
  std::string unit;                   // "ms", "us/exit", "pages/s"
  Summary value;
  std::string baseline_name;          // empty: no baseline
  std::optional<Summary> baseline;
  // value.median / baseline.median; absent without a baseline.
  std::optional<double> ratio;
  // false when the two ran under different accelerators (QEMU on TCG beside KVM).
  bool comparable = true;
  std::string note;
};

struct Section {
  std::string name;                   // "cold_start"
  std::string title;                  // "Cold start, whole process"
  std::string skipped;                // why it did not run; empty when it ran
  std::vector<Figure> figures;
  std::vector<std::string> notes;
};

struct MachineInfo {
  std::string cpu;
  unsigned cpus = 0;
  unsigned long long memory_bytes = 0;
  std::string kernel;
  std::string kvm;                    // "kvm_amd, NPT", or empty
  std::string kvm_unavailable;        // why there is no KVM, or empty
};

struct BenchReport {
  MachineInfo machine;
  bool quick = false;
  std::vector<Section> sections;
};

// Fills in ratio from value and baseline.
Figure compared(Figure figure);

std::string write_text(const BenchReport& report);
std::string write_json(const BenchReport& report);

} // namespace slotbox::bench
