// slotbox: boots self-checking guest images on KVM. See README.md for the command line.
#include "host/cli/exit_code.h"
#include "host/cli/kut_command.h"
#include "host/cli/list_command.h"
#include "host/cli/mtree_command.h"
#include "host/loader/embedded_images.h"
#include "host/loader/rom_image.h"
#include "host/cli/run_command.h"
#include "host/cli/size_option.h"
#include "host/machine/pc_layout.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

namespace slotbox::cli {
namespace {

constexpr uint64_t kMinRam = 512 * machine::kMiB;
constexpr uint64_t kMaxRam = 64 * machine::kGiB;
constexpr uint64_t kRamGranule = 2 * machine::kMiB;  // keeps every RAM slot page- and hugepage-aligned
constexpr unsigned kMaxVcpus = 64;   // the guest runtime's per-CPU tables
constexpr unsigned kMaxJobs = 256;

struct CommonOptions {
  std::string ram = "4G";
  double timeout_seconds = 10;
  std::string map_path;
  ReportFormat format = ReportFormat::kText;
  std::string output_path;
  bool stats = false;
  bool trace = false;
  unsigned smp = 1;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::optional<uint16_t> gdb_port;  // --gdb
  bool gdb_wait = false;             // --gdb-wait
};

Result<std::optional<loader::MapFile>> checked_map(const std::string& path) {
  if (path.empty()) return std::optional<loader::MapFile>();
  return SLOTBOX_TRY(loader::read_map_file(path));
}

uint64_t host_memory() {
  return static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

Result<uint64_t> checked_ram(const std::string& text) {
  uint64_t ram = SLOTBOX_TRY(parse_size("--ram", text));
  auto bad = [&](const std::string& reason) { return fail(Error::bad_input("--ram " + text, reason)); };
  if (ram < kMinRam || ram > kMaxRam) return bad("must be between 512 MiB and 64 GiB");
  if (ram % kRamGranule != 0) return bad("must be a multiple of 2 MiB");
  if (ram > host_memory())
    return bad("larger than this host's memory (" + describe_size(host_memory() / machine::kMiB * machine::kMiB) + ")");
  return ram;
}

Result<std::chrono::milliseconds> checked_timeout(double seconds) {
  if (!(seconds > 0) || seconds > 24 * 3600)
    return fail(Error::bad_input("--timeout " + CLI::detail::to_string(seconds), "must be between 0 and 86400 seconds"));
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}


void add_common_options(CLI::App& app, CommonOptions& common) {
  app.add_option("--ram", common.ram, "guest RAM size: 512M ... 64G (bare number: MiB)")
      ->capture_default_str();
  app.add_option("--timeout", common.timeout_seconds,
                 "seconds before a guest that has not ended is stopped")
      ->capture_default_str();
  app.add_option("--map", common.map_path, "JSON file of extra regions (RAM, ROM, aliases, MMIO windows)");
  const std::map<std::string, ReportFormat> formats = {
      {"text", ReportFormat::kText}, {"tap", ReportFormat::kTap}, {"json", ReportFormat::kJson}, {"junit", ReportFormat::kJunit}};
  app.add_option("--format", common.format, "report format: text, tap, json or junit")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case));
  app.add_option("--output", common.output_path, "write the report (tap, json, junit) to FILE; text stays on stdout");
  app.add_flag("--stats", common.stats, "per image: exit histogram and KVM statistics deltas");
  app.add_flag("--trace", common.trace, "every exit, on stderr");
  app.add_option("--smp", common.smp, "vCPUs per VM, 1 ... 64")->check(CLI::Range(1u, kMaxVcpus))->capture_default_str();
  app.add_option("--jobs", common.jobs, "images run in parallel, each in its own VM (default: the host's CPUs)")
      ->check(CLI::Range(1u, kMaxJobs));
  app.add_option("--gdb", common.gdb_port, "gdb remote stub on 127.0.0.1:PORT for the one image run (0: any free port)");
  app.add_flag("--gdb-wait", common.gdb_wait, "with --gdb: stop at the reset vector until gdb continues");
}

Result<RunOptions> run_options(const CommonOptions& common, const std::vector<std::string>& images,
                               std::vector<std::string> image_arguments, KernelOptions kernel) {
  uint64_t ram = SLOTBOX_TRY(checked_ram(common.ram));
  auto timeout = SLOTBOX_TRY(checked_timeout(common.timeout_seconds));
  auto map = SLOTBOX_TRY(checked_map(common.map_path));
  if (!common.output_path.empty() && common.format == ReportFormat::kText)
    return fail(Error::bad_input("--output " + common.output_path, "needs --format tap, json or junit"));
  RunOptions options{ram, timeout, images, std::move(map), std::move(image_arguments), common.format,
                     common.output_path, common.stats, common.trace, common.smp, common.jobs, std::move(kernel)};
  options.gdb_port = common.gdb_port;
  options.gdb_wait = common.gdb_wait;
  return options;
}

int run(const CommonOptions& common, const std::vector<std::string>& images,
        std::vector<std::string> image_arguments, KernelOptions kernel) {
  auto options = run_options(common, images, std::move(image_arguments), std::move(kernel));
  if (!options) return report_error(options.error());
  return run_command(*options);
}

// Each section's own timeout applies unless --timeout sets a lower ceiling.
int kut(const CommonOptions& common, KutOptions kut_options, bool timeout_given) {
  auto options = run_options(common, {}, {}, {});
  if (!options) return report_error(options.error());
  kut_options.run = std::move(*options);
  if (!timeout_given) kut_options.run.timeout = std::chrono::hours(24);
  return kut_command(kut_options);
}

// The BIOS whose size places the ROM regions: --bios FILE, else the first embedded image.
int mtree(const CommonOptions& common, const std::string& bios_path, MtreeView view) {
  auto ram = checked_ram(common.ram);
  if (!ram) return report_error(ram.error());
  Result<loader::RomImage> bios =
      bios_path.empty() ? loader::embedded_rom(loader::embedded_images()[0]) : loader::RomImage::from_file(bios_path);
  if (!bios) return report_error(bios.error());
  auto map = checked_map(common.map_path);
  if (!map) return report_error(map.error());
  return mtree_command(view, *ram, bios->bytes(), *map ? &**map : nullptr);
}

} // namespace
} // namespace slotbox::cli

int main(int argc, char** argv) {
  using namespace slotbox::cli;
  // `slotbox run touch -- --window 256M`: what follows `--` is for the images, not for us.
  std::vector<std::string> image_arguments;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      image_arguments.assign(argv + i + 1, argv + argc);
      argc = i;
      break;
    }
  }
  CLI::App app{"slotbox: boot self-checking guest images on KVM and report what they checked"};
  app.set_version_flag("--version", "slotbox " SLOTBOX_VERSION);
  app.footer("Commands: run (the default), list, mtree [--flat|--slots] [--bios FILE].\n"
             "Arguments after -- go to the images (slotbox run touch -- --window 256M).\n"
             "Exit codes: 0 all passed, 1 a check failed, 2 bad usage or input,\n"
             "            3 guest crashed, triple-faulted or timed out, 77 KVM unavailable");
  CommonOptions common;
  std::vector<std::string> images;
  add_common_options(app, common);
  app.add_option("images", images, "embedded image names or ROM files (default: all embedded)");

  CLI::App* run_app = app.add_subcommand("run", "run images, each in a fresh VM (the default)");
  std::vector<std::string> run_images;
  run_app->add_option("images", run_images, "embedded image names, ROM files or multiboot kernels");
  KernelOptions kernel;
  run_app->add_option("--kernel", kernel.kernels, "multiboot v1 kernel (ELF32, e.g. kvm-unit-tests' *.flat), loaded into RAM and entered in protected mode");
  run_app->add_option("--initrd", kernel.initrd, "file passed to each kernel as multiboot module 0");
  run_app->add_option("--append", kernel.append, "text after the kernel's name on its command line");
  run_app->fallthrough();
  CLI::App* list_app = app.add_subcommand("list", "list the embedded images");
  CLI::App* mtree_app = app.add_subcommand("mtree", "show the memory map: region tree, flat view or KVM slots");
  std::string bios_path;
  bool flat = false, slots = false;
  mtree_app->add_option("--bios", bios_path, "BIOS ROM file (default: the first embedded image)");
  mtree_app->add_flag("--flat", flat, "the flat view, like QEMU's info mtree -f");
  mtree_app->add_flag("--slots", slots, "the KVM memory slots (needs /dev/kvm)");
  mtree_app->fallthrough();
  CLI::App* kut_app = app.add_subcommand("kut", "run kvm-unit-tests from DIR/unittests.cfg, a line per section");
  KutOptions kut_options;
  kut_app->add_option("directory", kut_options.directory, "folder with unittests.cfg and the *.flat kernels")->required();
  kut_app->add_option("sections", kut_options.names, "only these sections");
  kut_app->add_option("-g,--group", kut_options.groups, "only sections in this group (repeatable)");
  kut_app->fallthrough();
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "slotbox: %s (see slotbox --help)\n", error.what());
    return kExitBadInput;
  }
  if (list_app->parsed()) return list_command();
  if (kut_app->parsed()) return kut(common, std::move(kut_options), app.get_option("--timeout")->count() > 0);
  if (mtree_app->parsed())
    return mtree(common, bios_path, slots ? MtreeView::kSlots : flat ? MtreeView::kFlat : MtreeView::kTree);
  if (run_app->parsed()) images.insert(images.end(), run_images.begin(), run_images.end());
  return run(common, images, std::move(image_arguments), std::move(kernel));
}
