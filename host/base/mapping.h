// Move-only owner of an mmap()ed span.
#pragma once

#include "host/base/error.h"

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
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
  // pages it touches.
  static Result<Mapping> anonymous(size_t size, const char* purpose) {
    void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return fail(Error::from_errno("mmap", purpose));
    return Mapping(static_cast<uint8_t*>(base), size);
  }

  // A shared mapping of an fd, e.g. the vCPU's kvm_run page.
  static Result<Mapping> of_fd(int fd, size_t size, const char* purpose) {
    void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) return fail(Error::from_errno("mmap", purpose));
    return Mapping(static_cast<uint8_t*>(base), size);
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

} // namespace slotbox
