#include "host/kvm/system.h"

#include "host/kvm/ioctl.h"
#include "host/kvm/vm.h"

#include <fcntl.h>

namespace slotbox::kvm {
namespace {

// The stable KVM API has been version 12 since Linux 2.6.22 (Documentation/virt/kvm/api.rst).
constexpr int kStableApiVersion = 12;

struct RequiredCapability {
  long capability;
  const char* name;
};
constexpr RequiredCapability kRequiredCapabilities[] = {
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
    {KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
};

// Grows the buffer until KVM stops answering E2BIG, as the API documentation asks.
template <unsigned long kRequest>
Result<std::vector<kvm_cpuid_entry2>> cpuid_list(int fd, const char* name) {
  for (uint32_t capacity = 64; capacity <= 4096; capacity *= 2) {
    std::vector<uint8_t> buffer(sizeof(CpuidHeader) + capacity * sizeof(kvm_cpuid_entry2));
    auto* cpuid = reinterpret_cast<CpuidHeader*>(buffer.data());
    cpuid->nent = capacity;
    auto result = checked_ioctl<kRequest>(fd, name, cpuid);
    if (result) return std::vector<kvm_cpuid_entry2>(cpuid_entries(cpuid), cpuid_entries(cpuid) + cpuid->nent);
    if (result.error().code != E2BIG) return fail(result.error());
  }
  return fail(Error::from_errno(name, "more than 4096 entries", E2BIG));
}

} // namespace

Result<System> System::open() {
  int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno("open", "/dev/kvm").as(ErrorKind::kUnavailable));
  System system{Fd(fd)};

  auto version = KVM_IOCTL(fd, KVM_GET_API_VERSION, 0, "/dev/kvm");
  if (!version) return fail(Error(version.error()).as(ErrorKind::kUnavailable));
  if (*version != kStableApiVersion)
    return fail(Error::unavailable("/dev/kvm", "KVM API version " + std::to_string(*version) + ", not 12"));
  for (const auto& required : kRequiredCapabilities) {
    if (system.check_extension(required.capability) <= 0)
      return fail(Error::unavailable("/dev/kvm", std::string(required.name) + " is missing"));
  }
  // KVM_CAP_NR_MEMSLOTS may be absent on old kernels; 32 was the historical limit.
  int slots = system.check_extension(KVM_CAP_NR_MEMSLOTS);
  system.m_max_memory_slots = slots > 0 ? static_cast<uint32_t>(slots) : 32;

  auto mmap_size = KVM_IOCTL(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (!mmap_size) return fail(mmap_size.error());
  system.m_vcpu_mmap_size = static_cast<size_t>(*mmap_size);
  return system;
}

int System::check_extension(long capability) const {
  auto result = KVM_IOCTL(m_fd.get(), KVM_CHECK_EXTENSION, capability);
  return result ? *result : 0;
}

Result<Vm> System::create_vm() const {
  int vm_fd = SLOTBOX_TRY(KVM_IOCTL(m_fd.get(), KVM_CREATE_VM, 0));
  return Vm(Fd(vm_fd), m_vcpu_mmap_size, m_max_memory_slots);
}

Result<std::vector<kvm_cpuid_entry2>> System::supported_cpuid() const {
  return cpuid_list<kGetSupportedCpuid>(m_fd.get(), "KVM_GET_SUPPORTED_CPUID");
}

Result<std::vector<kvm_cpuid_entry2>> System::supported_hyperv_cpuid() const {
  if (check_extension(KVM_CAP_SYS_HYPERV_CPUID) <= 0)
    return fail(Error::unavailable("/dev/kvm", "KVM_CAP_SYS_HYPERV_CPUID is missing (Linux 5.11 or later has it)"));
  return cpuid_list<kGetSupportedHvCpuid>(m_fd.get(), "KVM_GET_SUPPORTED_HV_CPUID");
}

} // namespace slotbox::kvm
