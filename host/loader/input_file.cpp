#include "host/loader/input_file.h"

#include "host/base/format.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace slotbox::loader {
namespace {

// What a non-regular file is, for the one-line refusal.
const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

} // namespace

Result<InputFile> InputFile::open(std::string what, const std::string& path) {
  // O_NONBLOCK: opening a FIFO with no writer would wait for one for ever; fstat then
  // refuses it. O_NOCTTY: a terminal named here must not become ours.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) return fail(Error::from_errno(std::move(what)).as(ErrorKind::kBadInput));
  struct stat info{};
  if (::fstat(fd.get(), &info) != 0) return fail(Error::from_errno("fstat", what).as(ErrorKind::kBadInput));
  if (!S_ISREG(info.st_mode))
    return fail(Error::bad_input(std::move(what), std::string("not a regular file (") + file_kind(info.st_mode) + ")"));
  return InputFile(std::move(what), std::move(fd), static_cast<uint64_t>(info.st_size));
}

Result<std::vector<uint8_t>> InputFile::head(uint64_t limit) const { return read_at_most(std::min(limit, m_size)); }

Result<std::vector<uint8_t>> InputFile::read_all(uint64_t max_size) const {
  if (m_size > max_size)
    return fail(Error::bad_input(m_what, "size " + std::to_string(m_size) + " is larger than " + describe_size(max_size)));
  // One byte more than allowed tells a file that grew meanwhile from one that did not.
  std::vector<uint8_t> bytes = SLOTBOX_TRY(read_at_most(max_size + 1));
  if (bytes.size() > max_size)
    return fail(Error::bad_input(m_what, "grew past " + describe_size(max_size) + " while being read"));
  return bytes;
}

// From offset 0 (pread: head() and read_all() may both be asked), retrying interrupted
// reads, until end of file or `limit` bytes. The buffer is the size fstat gave; only a
// file that grew since then makes it grow, so a file read whole costs one read and a
// one-byte read that finds its end.
Result<std::vector<uint8_t>> InputFile::read_at_most(uint64_t limit) const {
  std::vector<uint8_t> bytes;
  // Room for the probe's byte first: reserving it after the resize would move the rest.
  bytes.reserve(std::min(limit, m_size + 1));
  bytes.resize(std::min(limit, m_size));
  size_t used = 0;
  for (;;) {
    if (used == bytes.size()) {
      if (bytes.size() >= limit) break;
      // At fstat's size, one byte more finds the end; past it, the file grew: larger steps.
      size_t step = used > m_size ? 65536 : 1;
      bytes.resize(std::min<uint64_t>(limit, bytes.size() + step));
    }
    ssize_t n = ::pread(m_fd.get(), bytes.data() + used, bytes.size() - used, static_cast<off_t>(used));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::from_errno("read", m_what).as(ErrorKind::kBadInput));
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  bytes.resize(used);
  return bytes;
}

Result<std::vector<uint8_t>> read_input_file(std::string what, const std::string& path, uint64_t max_size) {
  InputFile file = SLOTBOX_TRY(InputFile::open(std::move(what), path));
  return file.read_all(max_size);
}

} // namespace slotbox::loader
