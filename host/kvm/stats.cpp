#include "host/kvm/stats.h"

#include "host/kvm/ioctl.h"

#include <unistd.h>

#include <cstring>

namespace slotbox::kvm {
namespace {

// struct kvm_stats_desc without its flexible name (C++ sizes those differently).
struct DescriptorHead {
  uint32_t flags;
  int16_t exponent;
  uint16_t size;
  uint32_t offset;
  uint32_t bucket_size;
};
static_assert(sizeof(DescriptorHead) == 16);

Result<void> read_exactly(int fd, void* buffer, size_t size, uint64_t offset, const std::string& owner) {
  ssize_t got = ::pread(fd, buffer, size, static_cast<off_t>(offset));
  if (got < 0) return fail(Error::from_errno("pread", owner + " stats"));
  if (static_cast<size_t>(got) != size)
    return fail(Error::from_errno("pread", owner + " stats: short read", EIO));
  return {};
}

} // namespace

Result<Stats> Stats::open(int owner_fd, const std::string& owner) {
  auto fd = KVM_IOCTL(owner_fd, KVM_GET_STATS_FD, 0, owner);
  if (!fd) return fail(Error(fd.error()).as(ErrorKind::kUnavailable));
  Stats stats(Fd(*fd), owner);
  SLOTBOX_TRY_VOID(stats.read_descriptors());
  return stats;
}

Result<void> Stats::read_descriptors() {
  kvm_stats_header header{};
  SLOTBOX_TRY_VOID(read_exactly(m_fd.get(), &header, sizeof header, 0, m_owner));
  size_t entry_size = sizeof(DescriptorHead) + header.name_size;
  std::vector<uint8_t> descriptors(entry_size * header.num_desc);
  SLOTBOX_TRY_VOID(read_exactly(m_fd.get(), descriptors.data(), descriptors.size(), header.desc_offset, m_owner));
  for (uint32_t i = 0; i < header.num_desc; ++i) {
    const uint8_t* entry = descriptors.data() + i * entry_size;
    DescriptorHead head;
    std::memcpy(&head, entry, sizeof head);
    const char* name = reinterpret_cast<const char*>(entry + sizeof head);
    m_offsets[std::string(name, strnlen(name, header.name_size))] = header.data_offset + head.offset;
  }
  return {};
}

Result<uint64_t> Stats::value(const std::string& name) const {
  auto found = m_offsets.find(name);
  if (found == m_offsets.end())
    return fail(Error::bad_input(m_owner + " stats", "no statistic named " + name));
  uint64_t value = 0;
  SLOTBOX_TRY_VOID(read_exactly(m_fd.get(), &value, sizeof value, found->second, m_owner));
  return value;
}

Result<std::map<std::string, uint64_t>> Stats::snapshot() const {
  std::map<std::string, uint64_t> values;
  for (const auto& [name, offset] : m_offsets) values[name] = SLOTBOX_TRY(value(name));
  return values;
}

} // namespace slotbox::kvm
