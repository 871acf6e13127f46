// The one ioctl wrapper: checks at compile time that the argument type has the size the
// request encodes (like the KVM selftests' kvm_do_ioctl), and turns failure into an Error
// naming the request.
#pragma once

#include "host/base/error.h"

#include <linux/ioctl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <string>

namespace slotbox::kvm {

template <unsigned long kRequest, typename Argument>
Result<int> checked_ioctl(int fd, const char* name, Argument argument, std::string context = {}) {
  if constexpr (std::is_pointer_v<Argument>) {
    static_assert(_IOC_SIZE(kRequest) == 0 ||
                      _IOC_SIZE(kRequest) == sizeof(std::remove_pointer_t<Argument>),
                  "ioctl argument type does not match the request's encoded size");
  }
  int result;
  do {
    result = ::ioctl(fd, kRequest, argument);
  } while (result < 0 && errno == EINTR && kRequest != KVM_RUN);
  if (result < 0) return fail(Error::from_errno(name, std::move(context)));
  return result;
}

// struct kvm_cpuid2 ends in a flexible array, which g++ places differently from C (the
// entries at offset 12 instead of 8, size 12), so <linux/kvm.h>'s KVM_GET_SUPPORTED_CPUID
// and KVM_SET_CPUID2 encode the wrong size in C++ and kvm_cpuid2::entries points 4 bytes
// past where the kernel reads and writes them. CpuidHeader is the C layout: the entries
// follow it directly (cpuid_entries()), and these requests carry its size.
struct CpuidHeader {
  uint32_t nent;
  uint32_t padding;
};
inline kvm_cpuid_entry2* cpuid_entries(CpuidHeader* header) {
  return reinterpret_cast<kvm_cpuid_entry2*>(header + 1);
}
inline constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
inline constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);
inline constexpr unsigned long kGetSupportedHvCpuid = _IOWR(KVMIO, 0xc1, CpuidHeader);

// struct kvm_irq_routing too: its entries follow this header.
struct IrqRoutingHeader {
  uint32_t nr;
  uint32_t flags;
};
inline constexpr unsigned long kSetGsiRouting = _IOW(KVMIO, 0x6a, IrqRoutingHeader);

} // namespace slotbox::kvm

// KVM_IOCTL(fd, KVM_CREATE_VCPU, 0) names the request in any error it returns.
#define KVM_IOCTL(fd, request, ...) \
  ::slotbox::kvm::checked_ioctl<request>((fd), #request, __VA_ARGS__)
