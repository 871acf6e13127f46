// /dev/kvm: the API version and capabilities slotbox relies on, and the factory for VMs.
#pragma once

#include "host/base/error.h"
#include "host/base/fd.h"

#include <linux/kvm.h>

#include <cstdint>
#include <vector>

namespace slotbox::kvm {

class Vm;

class System {
public:
  // Fails with ErrorKind::kUnavailable when /dev/kvm is missing, not accessible, of the
  // wrong API version, or lacks a capability slotbox needs.
  static Result<System> open();

  Result<Vm> create_vm() const;
  // The CPUID leaves KVM can virtualize on this host, for KVM_SET_CPUID2.
  Result<std::vector<kvm_cpuid_entry2>> supported_cpuid() const;
  // The Hyper-V leaves KVM can emulate (KVM_GET_SUPPORTED_HV_CPUID on /dev/kvm, Linux 5.11+).
  Result<std::vector<kvm_cpuid_entry2>> supported_hyperv_cpuid() const;

  int fd() const { return m_fd.get(); }
  uint32_t max_memory_slots() const { return m_max_memory_slots; }
  size_t vcpu_mmap_size() const { return m_vcpu_mmap_size; }
  int check_extension(long capability) const;

private:
  System(Fd fd) : m_fd(std::move(fd)) {}
  Fd m_fd;
  uint32_t m_max_memory_slots = 0;
  size_t m_vcpu_mmap_size = 0;
};

} // namespace slotbox::kvm
