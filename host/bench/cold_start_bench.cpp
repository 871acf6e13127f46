#include "host/bench/cold_start_bench.h"

#include "host/bench/bench_rom.h"
#include "host/bench/process_series.h"
#include "host/bench/qemu_command.h"
#include "host/bench/rom_file.h"
#include "host/loader/named_images.h"

#include <algorithm>

namespace slotbox::bench {
namespace {

// QEMU takes ~100 ms a start even on KVM (seconds under the nested harness): fewer trials.
unsigned qemu_trials(const BenchContext& context) { return std::min(context.trials, context.quick ? 3u : 10u); }

struct Runner {
  const BenchContext& context;
  Section& section;

  std::optional<Summary> wall(Command command, unsigned trials) {
    auto series = run_interleaved({std::move(command)}, trials);
    if (!series) {
      section.notes.push_back("not measured: " + series.error().message());
      return std::nullopt;
    }
    return series->front().wall_ms;
  }

  void add(std::string name, const std::optional<Summary>& value, std::string baseline_name,
           const std::optional<Summary>& baseline, bool comparable = true, std::string note = {}) {
    if (!value) return;
    Figure figure{std::move(name), "ms", *value, {}, std::nullopt, std::nullopt, comparable, std::move(note)};
    if (baseline) {
      figure.baseline_name = std::move(baseline_name);
      figure.baseline = baseline;
    }
    section.figures.push_back(compared(std::move(figure)));
  }

  // QEMU against slotbox: the ratio says how many times slower QEMU starts. Returns QEMU's
  // times, absent when QEMU is not installed or did not run.
  std::optional<Summary> add_qemu(const std::string& machine, const std::string& rom_name,
                                  const std::string& rom_path, const std::optional<Summary>& slotbox,
                                  const std::string& slotbox_name, bool fixed_layout = false) {
    if (context.qemu.empty()) return std::nullopt;
    auto qemu = wall({qemu_command(context, machine, rom_path), kQemuGuestPassed, fixed_layout}, qemu_trials(context));
    add(qemu_name(machine, rom_name, fixed_layout), qemu, slotbox_name, slotbox, context.qemu_on_kvm,
        context.qemu_on_kvm ? "" : "QEMU ran under TCG (no usable /dev/kvm): its ratio is not comparable");
    return qemu;
  }

  std::string qemu_name(const std::string& machine, const std::string& rom_name, bool fixed_layout) const {
    return "QEMU -M " + machine + " " + rom_name + " (" + qemu_accelerator(context) +
           (fixed_layout ? ", ASLR off)" : ")");
  }
};

} // namespace

Section cold_start_section(const BenchContext& context) {
  Section section{"cold_start", "Cold start, whole process (posix_spawn to exit)", kvm_skip_reason(context), {}, {}};
  if (!section.skipped.empty()) return section;
  Runner run{context, section};
  auto min_rom = RomFile::create("min.rom", bench_rom({BenchGuest::kExitAtOnce}));
  if (!min_rom) return Section{section.name, section.title, min_rom.error().message(), {}, {}};

  // Taken in turn, so that a machine busy for part of the run weighs on all of them alike.
  enum { kSlotbox, kVersion, kFloor, kPcFloor, kSlotboxFixed, kFloorFixed };
  std::vector<Command> commands{{{context.slotbox, "run", min_rom->path()}}, {{context.slotbox, "--version"}}};
  bool with_floors = !context.floor.empty();
  if (with_floors) {
    commands.push_back({{context.floor, min_rom->path()}});
    commands.push_back({{context.floor, "--pc", min_rom->path()}});
    commands.push_back({{context.slotbox, "run", min_rom->path()}, 0, true});
    commands.push_back({{context.floor, min_rom->path()}, 0, true});
  } else {
    section.notes.push_back("slotbox-floor is not next to slotbox: no raw floor");
  }
  auto series = run_interleaved(commands, context.trials);
  if (!series) return Section{section.name, section.title, "not measured: " + series.error().message(), {}, {}};
  auto wall = [&](size_t command) -> std::optional<Summary> {
    if (command >= series->size()) return std::nullopt;  // no floor: only the first two ran
    return (*series)[command].wall_ms;
  };
  std::optional<Summary> slotbox_min = wall(kSlotbox), floor = wall(kFloor), pc_floor = wall(kPcFloor);
  std::optional<Summary> slotbox_fixed = wall(kSlotboxFixed), floor_fixed = wall(kFloorFixed);
  run.add("slotbox run min.rom", slotbox_min, "raw floor", floor);
  run.add("raw floor (slotbox-floor min.rom)", floor, "", std::nullopt);
  run.add("raw PC floor (slotbox-floor --pc)", pc_floor, "raw floor", floor, true,
          "the floor plus what slotbox's PC has in KVM: in-kernel irqchip and PIT, 4 GiB of RAM in two slots, "
          "the supported CPUID; "
          "the ratio is what KVM's side of such a machine costs");
  run.add("slotbox's own cost (run min.rom)", slotbox_min, "raw PC floor", pc_floor, true,
          "slotbox run min.rom against the PC floor: what slotbox's code costs beyond the KVM objects of its machine");
  run.add("slotbox run min.rom, ASLR off", slotbox_fixed, "raw floor, ASLR off", floor_fixed, true,
          "both started with ASLR off (personality ADDR_NO_RANDOMIZE); what differs from the figures above is "
          "the cost of code at new addresses every run (under QEMU 7.2's TCG, the nested harness's default L0: "
          "translating it anew; not under QEMU 10, scripts/nested --l0 backports)");
  run.add("slotbox --version", wall(kVersion), "", std::nullopt, true,
          "exec and exit of the slotbox binary alone");
  auto qemu_pc = run.add_qemu("pc", "min.rom", min_rom->path(), slotbox_min, "slotbox");
  if (floor)
    run.add(run.qemu_name("pc", "min.rom", false) + ", against the raw floor", qemu_pc, "raw floor", floor,
            context.qemu_on_kvm,
            "how many times slower QEMU starts than the bare KVM calls: the most that any host, slotbox "
            "included, could be faster than QEMU on this machine (the target is 20x)");
  run.add_qemu("microvm", "min.rom", min_rom->path(), slotbox_min, "slotbox");
  if (slotbox_fixed) run.add_qemu("pc", "min.rom", min_rom->path(), slotbox_fixed, "slotbox, ASLR off", true);

  auto slotbox_hello = run.wall({{context.slotbox, "run", "hello"}}, context.trials);
  run.add("slotbox run hello", slotbox_hello, "", std::nullopt);
  if (auto hello = loader::find_named_image("hello"); hello && *hello)
    run.add_qemu("pc", "hello.rom", (*hello)->rom_path, slotbox_hello, "slotbox");
  if (context.qemu.empty()) section.notes.push_back("qemu-system-x86_64 is not installed: no QEMU figures");
  section.notes.push_back("min.rom: 64 KiB whose reset vector writes 0 to port 0xF4; slotbox and QEMU get -m/--ram 4G");
  return section;
}

} // namespace slotbox::bench
