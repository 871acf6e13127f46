// `slotbox [run] [IMAGE|NAME|KERNEL ...] [--kernel FILE]`: each image or multiboot kernel in a fresh VM, its checks streamed (text)
// or collected into a report (--format tap|json|junit, --output FILE), and the summary.
#pragma once

#include "host/cli/image_arguments.h"
#include "host/cli/image_source.h"
#include "host/cli/report.h"
#include "host/cli/terminal.h"
#include "host/kvm/cpu_features.h"
#include "host/debug/gdb_server.h"
#include "host/kvm/system.h"
#include "host/loader/map_file.h"
#include "host/machine/run_controller.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace slotbox::cli {

struct RunOptions {
  uint64_t ram_size;
  std::chrono::milliseconds timeout;
  std::vector<std::string> images;
  std::optional<loader::MapFile> extra_regions;  // --map
  std::vector<std::string> image_arguments;      // after `--`, for every image
  ReportFormat format = ReportFormat::kText;
  std::string output_path;                       // --output: the report goes there
  bool stats = false;                            // --stats
  bool trace = false;                            // --trace
  uint32_t smp = 1;                              // --smp: vCPUs per VM
  uint32_t jobs = 1;                             // --jobs: images in parallel
  KernelOptions kernel;                          // --kernel, --initrd, --append
  kvm::CpuidEdits cpuid;                         // kut: a section's -cpu ...,-feature
  bool pit = true;                               // kut: a section's -machine pit=off
  bool hyperv_testdev = false;                   // kut: a section's -device hyperv-testdev
  uint64_t console_limit = 4ull << 20;           // --console-limit: console bytes echoed per image
  std::vector<ImageArgument> per_image_arguments;  // --arg IMAGE:ARGUMENT
  std::optional<uint16_t> gdb_port = std::nullopt;  // --gdb PORT: a gdb stub on 127.0.0.1 (one image only)
  bool gdb_wait = false;                         // --gdb-wait: stop at the reset vector for gdb
  debug::gdb::GdbServer* gdb = nullptr;          // the stub, once listening (run_command)
  TerminalStyle terminal = {};                   // colour and progress on a terminal (run_command)
  machine::SandboxSettings sandbox = {};         // --no-sandbox turns the vCPU threads' filter off
};

int run_command(const RunOptions& options);

// Runs one image or kernel in a fresh VM and fills in its report; its text (if any is
// wanted) goes to `out`. Returns its exit code (exit_code.h).
Result<int> run_image(const kvm::System& kvm, const RunImage& image, const RunOptions& options, std::FILE* out,
                      ImageReport& report);

} // namespace slotbox::cli
