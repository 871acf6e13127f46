// A VM's or vCPU's binary statistics (KVM_GET_STATS_FD, Documentation/virt/kvm/api.rst
// 4.133): read the descriptors once, then any value by name at any time.
#pragma once

#include "host/base/error.h"
#include "host/base/fd.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace slotbox::kvm {

class Stats {
public:
  // owner_fd: a VM or vCPU fd. Fails with kUnavailable on kernels without the stats fd.
  static Result<Stats> open(int owner_fd, const std::string& owner);

  bool has(const std::string& name) const { return m_offsets.contains(name); }
  // The first value of a statistic (histograms have more; slotbox reads counters).
  Result<uint64_t> value(const std::string& name) const;
  Result<std::map<std::string, uint64_t>> snapshot() const;
  int fd() const { return m_fd.get(); }  // for the vCPU threads' sandbox

private:
  Stats(Fd fd, std::string owner) : m_fd(std::move(fd)), m_owner(std::move(owner)) {}
  Result<void> read_descriptors();

  Fd m_fd;
  std::string m_owner;
  std::map<std::string, uint64_t> m_offsets;  // file offset of each statistic's data
};

} // namespace slotbox::kvm
