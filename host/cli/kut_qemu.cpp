#include "host/cli/kut_qemu.h"

#include "host/process/piped_child.h"

#include <cerrno>
#include <sys/wait.h>

namespace slotbox::cli {
namespace {

constexpr const char* kQemu = "qemu-system-x86_64";
constexpr size_t kKeptOutput = 1 << 20;  // enough for any SUMMARY line near the end

// kvm-unit-tests' x86/run, with the display off and -no-reboot: a triple fault ends QEMU
// (status 0, an abort) instead of rebooting the kernel until the timeout.
std::vector<std::string> qemu_arguments(const QemuSection& section) {
  std::vector<std::string> args{kQemu, "-nodefaults", "-no-reboot", "-enable-kvm", "-device", "pc-testdev",
                                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4", "-display", "none",
                                "-serial", "stdio", "-device", "pci-testdev", "-machine", "accel=kvm",
                                "-kernel", section.kernel, "-smp", std::to_string(section.smp)};
  args.insert(args.end(), section.qemu_params.begin(), section.qemu_params.end());
  std::string append;
  for (const std::string& word : section.append) append += (append.empty() ? "" : " ") + word;
  if (!append.empty()) args.insert(args.end(), {"-append", append});
  return args;
}

// The rest of the last line that starts with `prefix`, or nothing.
std::string line_after(const std::string& output, const std::string& prefix) {
  size_t at = output.rfind(prefix);
  if (at == std::string::npos) return {};
  at += prefix.size();
  size_t end = output.find_first_of("\r\n", at);
  return output.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// kvm-unit-tests' runner: 1 is the kernel's exit code 0, 3 its 1, 77 its 38 (skip).
QemuVerdict verdict_of(int status) {
  switch (status) {
  case 1: return QemuVerdict::kPass;
  case 3: return QemuVerdict::kFail;
  case 77: return QemuVerdict::kSkip;
  default: return QemuVerdict::kAbort;
  }
}

} // namespace

const char* qemu_verdict_name(QemuVerdict verdict) {
  switch (verdict) {
  case QemuVerdict::kPass: return "PASS";
  case QemuVerdict::kFail: return "FAIL";
  case QemuVerdict::kSkip: return "SKIP";
  case QemuVerdict::kAbort: return "ABORT";
  case QemuVerdict::kTimeout: return "TIMEOUT";
  case QemuVerdict::kNotStarted: return "NOT STARTED";
  }
  return "ABORT";
}

Result<QemuRun> run_under_qemu(const QemuSection& section) {
  std::string output;  // its last kKeptOutput bytes
  auto keep = [&output](std::string_view chunk) {
    output.append(chunk);
    if (output.size() > kKeptOutput) output.erase(0, output.size() - kKeptOutput);
  };
  auto start = std::chrono::steady_clock::now();
  auto ended = process::run_piped_child(qemu_arguments(section), start + section.timeout, keep,
                                        {.search_path = true, .merge_stderr = true});
  if (!ended && ended.error().code == ENOENT)
    return fail(Error::unavailable(kQemu, "not found in PATH (apt-get install qemu-system-x86)"));
  if (!ended) return fail(std::move(ended.error()));
  QemuRun run;
  run.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  run.summary = line_after(output, "SUMMARY: ");
  std::string qemu_error = line_after(output, std::string(kQemu) + ": ");
  run.status = WIFEXITED(ended->status) ? WEXITSTATUS(ended->status) : 128 + WTERMSIG(ended->status);
  run.verdict = ended->timed_out ? QemuVerdict::kTimeout : verdict_of(run.status);
  if (run.summary.empty() && !qemu_error.empty() && !qemu_error.starts_with("warning:")) {
    run.verdict = QemuVerdict::kNotStarted;
    run.summary = qemu_error;
  }
  return run;
}

} // namespace slotbox::cli
