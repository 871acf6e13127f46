// --output FILE: a report written whole or not at all, and never through or over anything
// but a regular file. Checked before any image runs (exit 2): the target must be absent
// or a regular file slotbox may write, not a symlink, a directory, a device (/dev/null
// would become a file: slotbox runs as root) or a FIFO. The report goes into a temporary
// made with mkstemp next to the target, renamed over it at the end; the temporary is
// removed on every other path, including SIGINT/SIGTERM (interrupts.h).
#pragma once

#include "host/base/error.h"
#include "host/base/fd.h"

#include <string>
#include <string_view>

namespace slotbox::cli {

class OutputFile {
public:
  static Result<OutputFile> prepare(const std::string& path);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  OutputFile(const OutputFile&) = delete;
  ~OutputFile();

  // Writes the contents into the temporary and renames it over the target.
  Result<void> commit(std::string_view contents);
  const std::string& temporary() const { return m_temporary; }

private:
  OutputFile(std::string path, std::string temporary, Fd fd);
  Error error(const std::string& reason) const;

  std::string m_path;
  std::string m_temporary;  // empty once renamed (or moved from)
  Fd m_fd;
};

} // namespace slotbox::cli
