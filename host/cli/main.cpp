// slotbox: boots self-checking guest images on KVM. See README.md for the command line.
#include "host/base/format.h"
#include "host/cli/bench_command.h"
#include "host/cli/exit_code.h"
#include "host/cli/kut_command.h"
#include "host/cli/list_command.h"
#include "host/cli/mtree_command.h"
#include "host/loader/named_images.h"
#include "host/loader/rom_image.h"
#include "host/cli/run_command.h"
#include "host/cli/option_values.h"
#include "host/cli/size_option.h"
#include "host/cli/stdout_stream.h"
#include "host/cli/subcommand.h"
#include "host/machine/pc_layout.h"

#include <CLI/CLI.hpp>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace slotbox::cli {
namespace {

constexpr uint64_t kMinRam = 512 * machine::kMiB;
constexpr uint64_t kMaxRam = 64 * machine::kGiB;
constexpr uint64_t kRamGranule = 2 * machine::kMiB;  // keeps every RAM slot page- and hugepage-aligned
constexpr unsigned kMaxVcpus = 64;   // the guest runtime's per-CPU tables
constexpr unsigned kMaxJobs = 256;
constexpr uint64_t kMinConsoleLimit = 1024, kMaxConsoleLimit = 1ull << 30;

struct CommonOptions {
  std::string ram = "4G";
  std::string timeout = "10";
  std::string map_path;
  std::string format = "text";
  std::string output_path;
  std::string console_limit = "4M";
  bool stats = false;
  bool trace = false;
  unsigned smp = 1;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::optional<uint16_t> gdb_port;  // --gdb
  bool gdb_wait = false;             // --gdb-wait
  bool no_sandbox = false;           // --no-sandbox
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
  // Guest RAM is reserved lazily (MAP_NORESERVE): only what the guest touches is used, as
  // with QEMU, so more than the host has is allowed, with a word of warning.
  if (ram > host_memory())
    std::fprintf(stderr, "slotbox: warning: --ram %s is more than this host's memory (%s); only what the guest touches is allocated\n",
                 text.c_str(), describe_size(host_memory() / machine::kMiB * machine::kMiB).c_str());
  return ram;
}


void add_common_options(CLI::App& app, CommonOptions& common) {
  // option_text: the help shows what to type and the default, not CLI11's types and validators.
  app.add_option("--ram", common.ram, "guest RAM size: 512M ... 64G (bare number: MiB)")->option_text("SIZE=4G");
  app.add_option("--timeout", common.timeout,
                 "seconds before a guest that has not ended is stopped")
      ->option_text("SECONDS=10");
  app.add_option("--map", common.map_path, "JSON file of extra regions (RAM, ROM, aliases, MMIO windows)")
      ->option_text("FILE");
  app.add_option("--format", common.format, "report format: text, tap, json or junit")->option_text("FORMAT=text");
  app.add_option("--output", common.output_path, "write the report (tap, json, junit) to FILE; text stays on stdout")
      ->option_text("FILE");
  app.add_option("--console-limit", common.console_limit, "console bytes echoed per image (1K ... 1G)")
      ->option_text("SIZE=4M");
  app.add_flag("--stats", common.stats, "per image: exit histogram and KVM statistics deltas");
  app.add_flag("--trace", common.trace, "every exit, on stderr");
  app.add_option("--smp", common.smp, "vCPUs per VM, 1 ... 64")->check(CLI::Range(1u, kMaxVcpus))->option_text("N=1");
  app.add_option("--jobs", common.jobs, "images run in parallel, each in its own VM, 1 ... 256 (default: the host's CPUs)")
      ->check(CLI::Range(1u, kMaxJobs))
      ->option_text("N");
  app.add_option("--gdb", common.gdb_port, "gdb remote stub on 127.0.0.1:PORT for the one image run (0: any free port)")
      ->option_text("PORT");
  app.add_flag("--gdb-wait", common.gdb_wait, "with --gdb: stop at the reset vector until gdb continues");
  app.add_flag("--no-sandbox", common.no_sandbox,
               "run the vCPU threads without their seccomp filter (README \"Threat model\")");
}

// Test only: with SLOTBOX_TEST_SANDBOX_VIOLATION set, vCPU 0 makes a system call no filter
// allows (opening "/") right after its filter is in, so a test can see the refusal.
bool sandbox_test_violation() {
  const char* value = std::getenv("SLOTBOX_TEST_SANDBOX_VIOLATION");
  return value && *value;
}

Result<RunOptions> run_options(const CommonOptions& common, const std::vector<std::string>& images,
                               std::vector<std::string> image_arguments, KernelOptions kernel) {
  uint64_t ram = SLOTBOX_TRY(checked_ram(common.ram));
  auto timeout = SLOTBOX_TRY(parse_timeout(common.timeout));
  ReportFormat format = SLOTBOX_TRY(parse_report_format(common.format));
  auto map = SLOTBOX_TRY(checked_map(common.map_path));
  uint64_t console_limit = SLOTBOX_TRY(parse_size("--console-limit", common.console_limit));
  if (console_limit < kMinConsoleLimit || console_limit > kMaxConsoleLimit)
    return fail(Error::bad_input("--console-limit " + common.console_limit, "must be between 1 KiB and 1 GiB"));
  if (!common.output_path.empty() && format == ReportFormat::kText)
    return fail(Error::bad_input("--output " + common.output_path, "needs --format tap, json or junit"));
  RunOptions options{ram, timeout, images, std::move(map), std::move(image_arguments), format,
                     common.output_path, common.stats, common.trace, common.smp, common.jobs, std::move(kernel),
                     {}, true, false, console_limit, {}};
  options.gdb_port = common.gdb_port;
  options.gdb_wait = common.gdb_wait;
  options.sandbox = {.enabled = !common.no_sandbox, .test_violation = sandbox_test_violation()};
  return options;
}

int run(const CommonOptions& common, const std::vector<std::string>& images,
        std::vector<std::string> image_arguments, KernelOptions kernel, const std::vector<std::string>& per_image) {
  auto options = run_options(common, images, std::move(image_arguments), std::move(kernel));
  if (!options) return report_error(options.error());
  for (const std::string& text : per_image) {
    auto argument = parse_image_argument(text);
    if (!argument) return report_error(argument.error());
    options->per_image_arguments.push_back(std::move(*argument));
  }
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

Result<loader::RomImage> first_named_rom() {
  auto images = SLOTBOX_TRY(loader::named_images());
  if (images.empty()) return fail(Error::bad_input("images", "the image index names no image"));
  return loader::named_rom(images[0]);
}

// The BIOS whose size places the ROM regions: --bios FILE, else the first named image.
int mtree(const CommonOptions& common, const std::vector<std::string>& images, const std::string& bios_path,
          bool flat, bool slots) {
  if (!images.empty())
    return report_error(Error::bad_input("mtree " + images.front(), "mtree runs no image (--bios FILE sets the BIOS)"));
  if (flat && slots) return report_error(Error::bad_input("mtree --flat --slots", "choose one of the two views"));
  MtreeView view = slots ? MtreeView::kSlots : flat ? MtreeView::kFlat : MtreeView::kTree;
  auto ram = checked_ram(common.ram);
  if (!ram) return report_error(ram.error());
  Result<loader::RomImage> bios = bios_path.empty() ? first_named_rom() : loader::RomImage::from_file(bios_path);
  if (!bios) return report_error(bios.error());
  auto map = checked_map(common.map_path);
  if (!map) return report_error(map.error());
  return mtree_command(view, *ram, bios->bytes(), *map ? &**map : nullptr);
}

// Every thread slotbox starts (vCPUs, jobs, watchers) gets a 1 MiB stack instead of
// glibc's 8 MiB. With transparent huge pages "always" (Debian's kernels in a VM had it),
// a stack mapping that holds a whole aligned 2 MiB range gets a huge page at its first
// touch: the vCPU thread's start zeroed 2 MiB, a third of `slotbox run min.rom`'s peak
// RSS (smaps at exit). A mapping under 2 MiB can hold none; our threads need far less.
void use_small_thread_stacks() {
  pthread_attr_t attributes;
  if (pthread_attr_init(&attributes) != 0) return;
  if (pthread_attr_setstacksize(&attributes, 1 << 20) == 0) pthread_setattr_default_np(&attributes);
  pthread_attr_destroy(&attributes);
}

} // namespace

int slotbox_main(int argc, char** argv);

} // namespace slotbox::cli

int main(int argc, char** argv) {
  using namespace slotbox::cli;
  use_small_thread_stacks();
  install_checked_stdout();
  int exit_code = slotbox_main(argc, argv);
  if (auto error = stdout_error()) {
    int code = report_error(*error);
    if (exit_code == kExitPassed || exit_code == kExitCheckFailed) exit_code = code;
  }
  return exit_code;
}

namespace slotbox::cli {

int slotbox_main(int argc, char** argv) {
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
  app.footer("Commands: run (the default), list, mtree [--flat|--slots] [--bios FILE], kut DIR, bench.\n"
             "Arguments after -- go to the images (slotbox run touch -- --window 256M).\n"
             "Exit codes: 0 all passed, 1 a check failed, 2 bad usage or input,\n"
             "            3 guest crashed, triple-faulted or timed out, 77 KVM unavailable,\n"
             "            130/143 stopped by SIGINT/SIGTERM");
  CommonOptions common;
  std::vector<std::string> images;
  add_common_options(app, common);
  app.add_option("images", images, "image names or globs ('faults/*'), ROM files (default: every named image)")
      ->option_text("IMAGE ...");
  std::vector<std::string> per_image_arguments;
  app.add_option("--arg", per_image_arguments,
                 "IMAGE:ARGUMENT, an argument for the images IMAGE names (a name or glob): touch:--window=1G")
      ->allow_extra_args(false)  // one value per --arg: the image names after it are not its values
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->option_text("IMAGE:ARG");

  std::vector<std::string> run_images;
  KernelOptions kernel;
  CLI::App* run_app = add_subcommand(
      app, "run", "run images, each in a fresh VM (the default); every option of slotbox --help applies",
      [&](CLI::App& run) {
        run.add_option("images", run_images, "image names, ROM files or multiboot kernels")->option_text("IMAGE ...");
        run.add_option("--kernel", kernel.kernels,
                       "multiboot v1 kernel (ELF32, e.g. kvm-unit-tests' *.flat), loaded into RAM and entered in protected mode")
            ->option_text("FILE");
        run.add_option("--initrd", kernel.initrd, "file passed to each kernel as multiboot module 0")->option_text("FILE");
        run.add_option("--append", kernel.append, "text after the kernel's name on its command line")->option_text("ARGS");
      });
  run_app->fallthrough();
  CLI::App* list_app = app.add_subcommand("list", "list the named images");
  std::string bios_path;
  bool flat = false, slots = false;
  CLI::App* mtree_app =
      add_subcommand(app, "mtree", "show the memory map: region tree, flat view or KVM slots", [&](CLI::App& mtree) {
        mtree.add_option("--bios", bios_path, "BIOS ROM file (default: the first named image)")->option_text("FILE");
        mtree.add_flag("--flat", flat, "the flat view, like QEMU's info mtree -f");
        mtree.add_flag("--slots", slots, "the KVM memory slots (needs /dev/kvm)");
      });
  mtree_app->fallthrough();
  KutOptions kut_options;
  CLI::App* kut_app = add_subcommand(
      app, "kut", "run kvm-unit-tests from DIR/unittests.cfg, a line per section; the options of slotbox --help apply",
      [&](CLI::App& kut) {
        kut.add_option("directory", kut_options.directory, "folder with unittests.cfg and the *.flat kernels")
            ->required()
            ->option_text("DIR");
        kut.add_option("sections", kut_options.names, "only these sections")->option_text("SECTION ...");
        kut.add_option("-g,--group", kut_options.groups, "only sections in this group (repeatable)")->option_text("GROUP");
        kut.add_flag("--compare-qemu", kut_options.compare_qemu,
                     "also run each section under QEMU as kvm-unit-tests does: its verdict, both times, the ratio");
        kut.add_flag("--skip-slow", kut_options.skip_slow,
                     "skip the sections known to run into their timeout on this backend (an XFAIL that only costs time)");
      });
  kut_app->fallthrough();
  BenchOptions bench_options;
  CLI::App* bench_app = add_bench_command(app, bench_options);
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
  if (bench_app->parsed()) return bench_command(bench_options);
  if (kut_app->parsed()) return kut(common, std::move(kut_options), app.get_option("--timeout")->count() > 0);
  if (mtree_app->parsed()) return mtree(common, images, bios_path, flat, slots);
  if (run_app->parsed()) images.insert(images.end(), run_images.begin(), run_images.end());
  return run(common, images, std::move(image_arguments), std::move(kernel), per_image_arguments);
}

} // namespace slotbox::cli
