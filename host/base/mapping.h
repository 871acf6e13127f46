// Move-only owner of an mmap()ed span, and how to zero part of one cheaply.
#pragma once

#include "host/base/error.h"

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

namespace slotbox {

class Mapping {
public:
  Mapping() = default;
  Mapping(Mapping&& other) noexcept
      : m_base(std::exchange(other.m_base, nullptr)), m_size(std::exchange(other.m_size, 0)) {}
  Mapping& operator=(Mapping&& other) noexcept {
    if (this != &other) {
      reset();
      m_base = std::exchange(other.m_base, nullptr);
      m_size = std::exchange(other.m_size, 0);
    }
    return *this;
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { reset(); }

  // Guest RAM: private, anonymous and MAP_NORESERVE, so a 64 GiB guest costs only the
  // pages it touches. Aligned to 2 MiB, as QEMU aligns its RAM blocks: KVM maps a huge
  // page into the guest only where guest-physical and host-virtual addresses agree
  // modulo 2 MiB, so an unaligned block never gets one. A block smaller than that (a ROM)
  // can hold none anyway: it is mapped as it comes, without the trimming munmaps.
  static Result<Mapping> anonymous(size_t size, const char* purpose) {
    constexpr size_t kHugePage = size_t{2} << 20;
    bool align = size >= kHugePage;
    size_t reserved = align ? size + kHugePage : size;
    void* base = ::mmap(nullptr, reserved, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return fail(Error::from_errno("mmap", purpose));
    if (!align) return Mapping(static_cast<uint8_t*>(base), size);
    auto start = reinterpret_cast<uintptr_t>(base);
    uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
    if (aligned > start) ::munmap(base, aligned - start);
    constexpr uintptr_t kPage = 4096;
    if (uintptr_t end = start + reserved, used = (aligned + size + kPage - 1) & ~(kPage - 1); end > used)
      ::munmap(reinterpret_cast<void*>(used), end - used);
    return Mapping(reinterpret_cast<uint8_t*>(aligned), size);
  }

  // A shared mapping of an fd, e.g. the vCPU's kvm_run page.
  static Result<Mapping> of_fd(int fd, size_t size, const char* purpose) {
    void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) return fail(Error::from_errno("mmap", purpose));
    return Mapping(static_cast<uint8_t*>(base), size);
  }

  // Asks for transparent huge pages where the host allows them (THP "madvise" mode, as
  // Debian's kernels have it); before the first touch, to matter.
  Result<void> advise_huge_pages() {
    if (::madvise(m_base, m_size, MADV_HUGEPAGE) != 0) return fail(Error::from_errno("madvise(MADV_HUGEPAGE)"));
    return {};
  }

  uint8_t* data() const { return m_base; }
  size_t size() const { return m_size; }

private:
  Mapping(uint8_t* base, size_t size) : m_base(base), m_size(size) {}
  void reset() {
    if (m_base) ::munmap(m_base, m_size);
    m_base = nullptr;
    m_size = 0;
  }
  uint8_t* m_base = nullptr;
  size_t m_size = 0;
};

// Zeroes [start, start + size) inside a private anonymous mapping (guest RAM) without
// touching the whole pages in it: MADV_DONTNEED drops them and the next touch maps a zero
// page (madvise(2)), so zeros that are already there, as in a new guest's RAM, cost no
// host memory. Only the partial pages at either edge are written.
inline Result<void> zero_anonymous_memory(uint8_t* start, size_t size) {
  constexpr uintptr_t kPage = 4096;
  uintptr_t begin = reinterpret_cast<uintptr_t>(start), end = begin + size;
  uintptr_t first_page = (begin + kPage - 1) & ~(kPage - 1), last_page = end & ~(kPage - 1);
  if (first_page >= last_page) {
    std::memset(start, 0, size);
    return {};
  }
  std::memset(start, 0, first_page - begin);
  std::memset(reinterpret_cast<void*>(last_page), 0, end - last_page);
  if (::madvise(reinterpret_cast<void*>(first_page), last_page - first_page, MADV_DONTNEED) != 0)
    return fail(Error::from_errno("madvise(MADV_DONTNEED)"));
  return {};
}

} // namespace slotbox
