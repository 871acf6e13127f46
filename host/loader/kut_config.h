// kvm-unit-tests' unittests.cfg: one [section] per test run, with the kernel (`file`),
// vCPUs (`smp`), kernel arguments (`test_args`), `timeout`, `groups`, `arch`, `accel`,
// host preconditions (`check`) and QEMU options (`qemu_params`, alias `extra_params`).
// Parsed here, and each section turned into a plan for slotbox: how to run it, or why
// it must be skipped. Pure C++: what the host's /sys says comes in through a function.
#pragma once

#include "host/base/error.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotbox::loader {

struct KutSection {
  std::string name;
  std::string file;
  unsigned smp = 1;
  std::vector<std::string> test_args;    // split as a shell would
  std::chrono::seconds timeout{90};      // kvm-unit-tests' default
  std::vector<std::string> groups;
  std::string arch;                      // empty: every arch
  std::string accel;                     // empty: any
  std::vector<std::string> checks;       // "path=value", all must hold
  std::vector<std::string> qemu_params;  // split as a shell would
};

// Sections in file order. Errors name the file, the line and what is wrong.
Result<std::vector<KutSection>> parse_kut_config(std::string_view text, const std::string& source);

// How slotbox runs a section, or the reason it cannot (a SKIP, as kvm-unit-tests' own
// runner reports what it cannot run).
struct KutPlan {
  std::optional<std::string> skip;
  bool skip_upstream = false;            // kvm-unit-tests' own runner skips it too (arch, accel, check)
  unsigned smp = 1;
  std::optional<uint64_t> ram;           // -m, in bytes
  std::string cpu_model;                 // -cpu MODEL,... ("" when not given)
  std::vector<std::string> cpu_flags;    // its +flag / -flag / key=value parts
  bool pit = true;                       // -machine pit=off: no 8254
  bool hyperv_testdev = false;           // -device hyperv-testdev
  std::vector<std::string> append;       // test_args: the kernel's command line
};

// read_file: the contents of a host file for `check` (nothing when unreadable).
KutPlan plan_kut_section(const KutSection& section,
                         const std::function<std::optional<std::string>(const std::string&)>& read_file);

// Splits like a POSIX shell word list: blanks separate, '...' and "..." quote.
Result<std::vector<std::string>> split_words(std::string_view text);

} // namespace slotbox::loader
