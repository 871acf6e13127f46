// A ROM the benchmarks hand to other processes (slotbox, slotbox-floor, QEMU) by path:
// a memfd, named /proc/PID/fd/N, so nothing is written to a file system (the nested
// harness's root is read-only) and nothing is left behind.
#pragma once

#include "host/base/error.h"
#include "host/base/fd.h"

#include <cstdint>
#include <span>
#include <string>

namespace slotbox::bench {

class RomFile {
public:
  static Result<RomFile> create(const std::string& name, std::span<const uint8_t> bytes);
  const std::string& path() const { return m_path; }

private:
  RomFile(Fd fd, std::string path) : m_fd(std::move(fd)), m_path(std::move(path)) {}
  Fd m_fd;
  std::string m_path;
};

} // namespace slotbox::bench
