#include "host/bench/rom_file.h"

#include <sys/mman.h>
#include <unistd.h>

namespace slotbox::bench {

Result<RomFile> RomFile::create(const std::string& name, std::span<const uint8_t> bytes) {
  Fd fd(::memfd_create(name.c_str(), MFD_CLOEXEC));
  if (!fd.valid()) return fail(Error::from_errno("memfd_create", name));
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + written, bytes.size() - written);
    if (n < 0) return fail(Error::from_errno("write", name));
    written += static_cast<size_t>(n);
  }
  std::string path = "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd.get());
  return RomFile(std::move(fd), std::move(path));
}

} // namespace slotbox::bench
