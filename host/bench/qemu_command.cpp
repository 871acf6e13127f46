#include "host/bench/qemu_command.h"

namespace slotbox::bench {

std::string qemu_accelerator(const BenchContext& context) { return context.qemu_on_kvm ? "kvm" : "tcg"; }

std::vector<std::string> qemu_command_line(const std::string& qemu, const std::string& accelerator,
                                           const std::string& machine, const std::string& rom_path,
                                           const std::string& ram) {
  return {qemu, "-M", machine, "-accel", accelerator, "-m", ram,
          "-nodefaults", "-no-user-config", "-display", "none", "-serial", "null",
          "-bios", rom_path, "-device", "isa-debug-exit,iobase=0xf4,iosize=4"};
}

std::vector<std::string> qemu_command(const BenchContext& context, const std::string& machine,
                                      const std::string& rom_path, const std::string& ram) {
  return qemu_command_line(context.qemu, qemu_accelerator(context), machine, rom_path, ram);
}

} // namespace slotbox::bench
