#include "host/bench/qemu_instruction_count.h"

#include "host/base/fd.h"
#include "host/bench/qemu_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <vector>

extern char** environ;

namespace slotbox::bench {
namespace {

constexpr uint64_t kCplMask = 3;              // hflags bits 1:0 (QEMU's HF_CPL_MASK)
constexpr uint64_t kEmulatorIterations = 1024; // KVM re-enters the guest every 1024 (emulate.c)

// "Trace 0: 0x7f0a40000100 [00000000ffff0000/00000000fffffff0/00000040/ff000201] ":
// cs_base/pc/flags/cflags, all hexadecimal. False for any other line.
bool parse_block(std::string_view line, uint64_t& address, uint64_t& flags) {
  size_t open = line.find('[');
  if (open == std::string_view::npos) return false;
  uint64_t fields[3];
  const char* p = line.data() + open + 1;
  const char* end = line.data() + line.size();
  for (uint64_t& field : fields) {
    auto [next, error] = std::from_chars(p, end, field, 16);
    if (error != std::errc{} || next == end || *next != '/') return false;
    p = next + 1;
  }
  address = fields[1];
  flags = fields[2];
  return true;
}

// bench's usual QEMU on TCG, with a CPU that has 1 GiB pages, one instruction per block
// and every block logged to stdout.
std::vector<std::string> qemu_arguments(const std::string& qemu, const std::string& rom_path, const std::string& ram) {
  std::vector<std::string> args = qemu_command_line(qemu, "tcg", "pc", rom_path, ram);
  args.insert(args.end(), {"-cpu", "qemu64,pdpe1gb=on", "-singlestep", "-d", "exec,nochain", "-D", "/dev/stdout"});
  return args;
}

enum class LogEnd { kEndOfFile, kDeadline, kReadError };

// Feeds everything `fd` delivers to `counter`, line by line, until end of file, the
// deadline or an error.
LogEnd read_log(int fd, ExecLogCounter& counter, std::chrono::steady_clock::time_point deadline) {
  std::string pending;
  char buffer[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return LogEnd::kDeadline;
    pollfd readable{fd, POLLIN, 0};
    int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return LogEnd::kReadError;
    if (ready == 0) return LogEnd::kDeadline;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LogEnd::kReadError;
    if (n == 0) return LogEnd::kEndOfFile;
    pending.append(buffer, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos; start = newline + 1)
      counter.add_line(std::string_view(pending).substr(start, newline - start));
    pending.erase(0, start);
  }
}

} // namespace

void ExecLogCounter::add_line(std::string_view line) {
  uint64_t address = 0, flags = 0;
  if (!parse_block(line, address, flags)) return;
  if ((flags & kCplMask) != 0) {
    m_reached_cpl3 = true;
    m_previous_address = UINT64_MAX;
    return;
  }
  if (address == m_previous_address && ++m_repeats % kEmulatorIterations != 0) return;
  if (address != m_previous_address) m_repeats = 0;
  m_previous_address = address;
  ++m_counted.total;
  if (!m_reached_cpl3) ++m_counted.boot;
}

Result<Cpl0Instructions> count_cpl0_instructions(const std::string& qemu, const std::string& rom_path,
                                                 const std::string& ram, int deadline_seconds) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return fail(Error::from_errno("pipe2", "QEMU's exec log"));
  Fd read_end(ends[0]), write_end(ends[1]);
  std::vector<std::string> argv = qemu_arguments(qemu, rom_path, ram);
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return fail(Error::from_errno("posix_spawn", qemu, error));
  write_end = Fd();  // end of file once QEMU exits

  ExecLogCounter counter;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(deadline_seconds);
  LogEnd end = read_log(read_end.get(), counter, deadline);
  int read_errno = errno;
  // Unread, QEMU would block on a full pipe and never exit.
  if (end != LogEnd::kEndOfFile) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (end == LogEnd::kReadError) return fail(Error::from_errno("read", "QEMU's exec log of " + rom_path, read_errno));
  if (end == LogEnd::kDeadline)
    return fail(Error::from_errno("qemu-system-x86_64 -singlestep", rom_path + ": still running after " +
                                  std::to_string(deadline_seconds) + " s", ETIMEDOUT));
  if (counter.counted().total == 0)
    return fail(Error::from_errno("qemu-system-x86_64 -singlestep", rom_path + ": logged no instruction", EIO));
  return counter.counted();
}

} // namespace slotbox::bench
