#include "host/bench/qemu_instruction_count.h"

#include "host/bench/qemu_command.h"
#include "host/process/piped_child.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <vector>

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
  ExecLogCounter counter;
  std::string pending;  // a line the last read cut short
  auto count_lines = [&](std::string_view chunk) {
    pending.append(chunk);
    size_t start = 0;
    for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos; start = newline + 1)
      counter.add_line(std::string_view(pending).substr(start, newline - start));
    pending.erase(0, start);
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(deadline_seconds);
  auto ended = process::run_piped_child(qemu_arguments(qemu, rom_path, ram), deadline, count_lines);
  if (!ended) {
    ended.error().context += " running " + rom_path;
    return fail(std::move(ended.error()));
  }
  if (ended->timed_out)
    return fail(Error::from_errno("qemu-system-x86_64 -singlestep", rom_path + ": still running after " +
                                  std::to_string(deadline_seconds) + " s", ETIMEDOUT));
  if (counter.counted().total == 0)
    return fail(Error::from_errno("qemu-system-x86_64 -singlestep", rom_path + ": logged no instruction", EIO));
  return counter.counted();
}

} // namespace slotbox::bench
