#include "host/cli/output_file.h"

#include "host/cli/interrupts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace slotbox::cli {
namespace {

constexpr mode_t kReportMode = 0666;  // less the umask, as any file the user creates

const char* refused_kind(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return nullptr;
}

Error output_error(const std::string& path, const std::string& reason) {
  return Error::bad_input("--output " + path, reason);
}

// The target as it is now: absent, or a regular file we may write. O_NOFOLLOW refuses a
// symlink even if one appears between lstat and open; O_NONBLOCK keeps a FIFO from
// blocking the open; nothing is truncated here.
Result<void> check_target(const std::string& path) {
  struct stat info{};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return {};
    return fail(Error::from_errno("--output " + path).as(ErrorKind::kBadInput));
  }
  if (const char* kind = refused_kind(info.st_mode))
    return fail(output_error(path, std::string("is ") + kind + ", not a regular file"));
  Fd fd(::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) return fail(Error::from_errno("--output " + path).as(ErrorKind::kBadInput));
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) return fail(output_error(path, "is not a regular file"));
  return {};
}

mode_t current_umask() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

} // namespace

OutputFile::OutputFile(std::string path, std::string temporary, Fd fd)
    : m_path(std::move(path)), m_temporary(std::move(temporary)), m_fd(std::move(fd)) {
  set_interrupt_cleanup(m_temporary);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_temporary(std::exchange(other.m_temporary, {})), m_fd(std::move(other.m_fd)) {}

OutputFile::~OutputFile() {
  if (m_temporary.empty()) return;
  ::unlink(m_temporary.c_str());
  set_interrupt_cleanup({});
}

Error OutputFile::error(const std::string& reason) const { return output_error(m_path, reason); }

Result<OutputFile> OutputFile::prepare(const std::string& path) {
  if (path.empty()) return fail(output_error(path, "needs a file name"));
  SLOTBOX_TRY_VOID(check_target(path));
  std::filesystem::path target(path);
  if (!target.has_filename()) return fail(output_error(path, "names a directory, not a file"));
  std::filesystem::path directory = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::string pattern = (directory / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  Fd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd.valid()) return fail(Error::from_errno("--output " + path).as(ErrorKind::kBadInput));
  std::string temporary(name.data());
  ::fchmod(fd.get(), kReportMode & ~current_umask());
  return OutputFile(path, std::move(temporary), std::move(fd));
}

Result<void> OutputFile::commit(std::string_view contents) {
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(m_fd.get(), contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::from_errno("write", "--output " + m_path));
    written += static_cast<size_t>(n);
  }
  if (::fsync(m_fd.get()) != 0) return fail(Error::from_errno("fsync", "--output " + m_path));
  // The target may have changed since prepare(): still never replace a non-file.
  SLOTBOX_TRY_VOID(check_target(m_path));
  if (::rename(m_temporary.c_str(), m_path.c_str()) != 0) return fail(Error::from_errno("rename", "--output " + m_path));
  m_temporary.clear();
  set_interrupt_cleanup({});
  return {};
}

} // namespace slotbox::cli
