#include "host/bench/raw_floor.h"

#include "host/base/fd.h"
#include "host/base/mapping.h"
#include "host/kvm/ioctl.h"
#include "host/machine/pc_layout.h"

#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace slotbox::bench {
namespace {

constexpr uint16_t kExitPort = 0xF4;

Result<int> raw_ioctl(int fd, unsigned long request, const char* name, unsigned long argument) {
  int result = ::ioctl(fd, request, argument);
  if (result < 0) return fail(Error::from_errno(name));
  return result;
}

Result<void> add_slot(int vm_fd, uint32_t id, uint64_t gpa, const uint8_t* host, uint64_t size, uint32_t flags) {
  kvm_userspace_memory_region region{};
  region.slot = id;
  region.flags = flags;
  region.guest_phys_addr = gpa;
  region.memory_size = size;
  region.userspace_addr = reinterpret_cast<uint64_t>(host);
  SLOTBOX_TRY_VOID(raw_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, "KVM_SET_USER_MEMORY_REGION",
                             reinterpret_cast<unsigned long>(&region)));
  return {};
}

// KVM_RUN until the exit port; port I/O and MMIO elsewhere are simply resumed.
Result<FloorRun> run_to_exit_port(int vcpu_fd, kvm_run& run, uint64_t max_exits) {
  FloorRun result;
  auto start = std::chrono::steady_clock::now();
  while (result.exits < max_exits) {
    if (::ioctl(vcpu_fd, KVM_RUN, 0) < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return fail(Error::from_errno("KVM_RUN"));
    }
    ++result.exits;
    if (run.exit_reason == KVM_EXIT_IO) {
      if (run.io.direction == KVM_EXIT_IO_OUT && run.io.port == kExitPort) {
        result.run_time = std::chrono::steady_clock::now() - start;
        uint8_t* data = reinterpret_cast<uint8_t*>(&run) + run.io.data_offset;
        std::memcpy(&result.status, data, std::min<size_t>(run.io.size, sizeof result.status));
        return result;
      }
      continue;
    }
    if (run.exit_reason == KVM_EXIT_MMIO) continue;
    return fail(Error{ErrorKind::kSystem, "KVM_RUN", "raw floor", 0,
                      "unexpected exit reason " + std::to_string(run.exit_reason)});
  }
  return fail(Error{ErrorKind::kSystem, "KVM_RUN", "raw floor", 0, "no exit-port write after " +
                                                                        std::to_string(max_exits) + " exits"});
}

// RAM at 0; on a PC, one block in two slots: low RAM, and the rest above the 4 GiB hole.
Result<void> add_ram(int vm_fd, const Mapping& ram, bool pc) {
  if (!pc) return add_slot(vm_fd, 1, 0, ram.data(), ram.size(), 0);
  machine::PcLayout layout{ram.size(), 0};
  SLOTBOX_TRY_VOID(add_slot(vm_fd, 1, 0, ram.data(), layout.low_ram(), 0));
  if (layout.high_ram() == 0) return {};
  return add_slot(vm_fd, 2, machine::PcLayout::kFourGiB, ram.data() + layout.low_ram(), layout.high_ram(), 0);
}

Result<void> create_pc_devices(int vm_fd) {
  SLOTBOX_TRY_VOID(raw_ioctl(vm_fd, KVM_CREATE_IRQCHIP, "KVM_CREATE_IRQCHIP", 0));
  kvm_pit_config pit{};
  SLOTBOX_TRY_VOID(raw_ioctl(vm_fd, KVM_CREATE_PIT2, "KVM_CREATE_PIT2", reinterpret_cast<unsigned long>(&pit)));
  return {};
}

// The CPU KVM offers, as QEMU's -cpu host and slotbox give their vCPUs, so that the PC
// floor's vCPU is slotbox's in KVM too. Under the nested harness (npt) it made no
// measurable difference per exit (the PC loop 1.01x the bare one with and without it).
Result<void> set_supported_cpuid(int kvm_fd, int vcpu_fd) {
  constexpr uint32_t kMaxEntries = 256;
  std::vector<uint8_t> buffer(sizeof(kvm::CpuidHeader) + kMaxEntries * sizeof(kvm_cpuid_entry2));
  auto* cpuid = reinterpret_cast<kvm::CpuidHeader*>(buffer.data());
  cpuid->nent = kMaxEntries;
  // kvm::kGetSupportedCpuid and kSetCpuid2: the C layout of struct kvm_cpuid2 (kvm/ioctl.h).
  auto argument = reinterpret_cast<unsigned long>(cpuid);
  SLOTBOX_TRY_VOID(raw_ioctl(kvm_fd, kvm::kGetSupportedCpuid, "KVM_GET_SUPPORTED_CPUID", argument));
  SLOTBOX_TRY_VOID(raw_ioctl(vcpu_fd, kvm::kSetCpuid2, "KVM_SET_CPUID2", argument));
  return {};
}

} // namespace

Result<FloorRun> run_floor(int kvm_fd, std::span<const uint8_t> rom, const FloorOptions& options,
                           uint64_t max_exits) {
  Fd vm(SLOTBOX_TRY(raw_ioctl(kvm_fd, KVM_CREATE_VM, "KVM_CREATE_VM", 0)));
  if (options.pc) SLOTBOX_TRY_VOID(create_pc_devices(vm.get()));
  Mapping rom_memory = SLOTBOX_TRY(Mapping::anonymous(rom.size(), "floor ROM"));
  std::memcpy(rom_memory.data(), rom.data(), rom.size());
  SLOTBOX_TRY_VOID(add_slot(vm.get(), 0, (uint64_t{1} << 32) - rom.size(), rom_memory.data(), rom.size(),
                            KVM_MEM_READONLY));
  Mapping ram;
  if (options.ram_size) {
    ram = SLOTBOX_TRY(Mapping::anonymous(options.ram_size, "floor RAM"));
    ::madvise(ram.data(), ram.size(), options.huge_pages ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    SLOTBOX_TRY_VOID(add_ram(vm.get(), ram, options.pc));
  }
  Fd vcpu(SLOTBOX_TRY(raw_ioctl(vm.get(), KVM_CREATE_VCPU, "KVM_CREATE_VCPU", 0)));
  if (options.pc) SLOTBOX_TRY_VOID(set_supported_cpuid(kvm_fd, vcpu.get()));
  int mmap_size = SLOTBOX_TRY(raw_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, "KVM_GET_VCPU_MMAP_SIZE", 0));
  Mapping run = SLOTBOX_TRY(Mapping::of_fd(vcpu.get(), static_cast<size_t>(mmap_size), "kvm_run"));
  return run_to_exit_port(vcpu.get(), *reinterpret_cast<kvm_run*>(run.data()), max_exits);
}

} // namespace slotbox::bench
