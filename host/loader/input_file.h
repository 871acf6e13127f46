// Every file slotbox reads on the user's say-so (ROMs, kernels, initrds, map files and the
// files they name, unittests.cfg) goes through here: opened once, without blocking (a FIFO
// must not hang the run), checked with fstat to be a regular file (not a directory, a
// device such as /dev/zero, or a FIFO), and refused when larger than its cap before a byte
// is read, so a hostile input costs bounded time and memory.
#pragma once

#include "host/base/error.h"
#include "host/base/fd.h"

#include <cstdint>
#include <string>
#include <vector>

namespace slotbox::loader {

class InputFile {
public:
  // `what` names the file in messages: "image foo.rom", "map m.json".
  static Result<InputFile> open(std::string what, const std::string& path);

  const std::string& what() const { return m_what; }
  uint64_t size() const { return m_size; }
  // The first min(limit, size) bytes, for telling formats apart before reading it all.
  Result<std::vector<uint8_t>> head(uint64_t limit) const;
  // The whole file, refused before reading when larger than max_size (or when it grows
  // past it while being read).
  Result<std::vector<uint8_t>> read_all(uint64_t max_size) const;

private:
  InputFile(std::string what, Fd fd, uint64_t size) : m_what(std::move(what)), m_fd(std::move(fd)), m_size(size) {}
  Result<std::vector<uint8_t>> read_at_most(uint64_t limit) const;

  std::string m_what;
  Fd m_fd;
  uint64_t m_size;
};

// open() then read_all(): the usual way to read a whole input file.
Result<std::vector<uint8_t>> read_input_file(std::string what, const std::string& path, uint64_t max_size);

} // namespace slotbox::loader
