// slotbox-floor [--pc [GIB]] ROM: the raw floor (raw_floor.h) as its own process, for
// cold-start comparisons: open /dev/kvm, run the ROM to its exit-port write, exit with that
// status. --pc adds what slotbox's PC has in KVM: irqchip, PIT, GIB GiB of RAM (default
// 4, slotbox's default) and the CPUID KVM supports.
// Exit codes as slotbox's: 0 the guest wrote 0, 1 another status, 2 bad usage, 3 a KVM
// call failed, 77 no usable /dev/kvm.
#include "host/bench/raw_floor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  bool pc = argc >= 3 && std::strcmp(argv[1], "--pc") == 0;
  unsigned long ram_gib = argc == 4 ? std::strtoul(argv[2], nullptr, 10) : 4;
  if ((argc != 2 && !pc) || argc > 4 || ram_gib == 0 || ram_gib > 64) {
    std::fprintf(stderr, "usage: slotbox-floor [--pc [GIB]] ROM (GIB: 1 ... 64)\n");
    return 2;
  }
  const char* rom_path = argv[argc - 1];
  int rom_fd = ::open(rom_path, O_RDONLY | O_CLOEXEC);
  if (rom_fd < 0) {
    std::perror(rom_path);
    return 2;
  }
  struct stat status {};
  ssize_t size = ::fstat(rom_fd, &status) == 0 ? status.st_size : -1;
  std::vector<uint8_t> rom(size > 0 ? static_cast<size_t>(size) : 0);
  if (size > 0) size = ::read(rom_fd, rom.data(), rom.size());  // a ROM is at most 16 MiB: one read
  ::close(rom_fd);
  if (size <= 0 || size % 65536 != 0 || size > 16 * 1024 * 1024) {
    std::fprintf(stderr, "slotbox-floor: %s: not a ROM (a multiple of 64 KiB)\n", rom_path);
    return 2;
  }
  int kvm_fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm_fd < 0) {
    std::perror("slotbox-floor: /dev/kvm");
    return 77;
  }
  slotbox::bench::FloorOptions options;
  if (pc) options = {.ram_size = uint64_t{ram_gib} << 30, .huge_pages = true, .pc = true};
  auto run = slotbox::bench::run_floor(kvm_fd, rom, options);
  ::close(kvm_fd);
  if (!run) {
    std::fprintf(stderr, "slotbox-floor: %s\n", run.error().message().c_str());
    return 3;
  }
  return run->status == 0 ? 0 : 1;
}
