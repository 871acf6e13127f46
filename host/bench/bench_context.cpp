#include "host/bench/bench_context.h"

#include "host/bench/process_trial.h"
#include "host/kvm/backend.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

namespace slotbox::bench {
namespace {

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string directories = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= directories.size()) {
    size_t end = directories.find(':', start);
    if (end == std::string::npos) end = directories.size();
    std::string candidate = directories.substr(start, end - start) + "/" + name;
    if (end > start && executable(candidate)) return candidate;
    start = end + 1;
  }
  return {};
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    size_t colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
  }
  return "unknown CPU";
}

} // namespace

BenchContext make_context(bool quick, unsigned trials) {
  BenchContext context;
  context.quick = quick;
  context.trials = trials;
  context.inner_trials = quick ? 3 : 5;
  std::string directory = executable_directory();
  context.slotbox = directory + "/slotbox";
  if (executable(directory + "/slotbox-floor")) context.floor = directory + "/slotbox-floor";
  if (auto kvm = kvm::System::open())
    context.kvm.emplace(std::move(*kvm));
  else
    context.kvm_unavailable = kvm.error().message();
  context.qemu = find_in_path("qemu-system-x86_64");
  context.qemu_on_kvm = context.kvm.has_value();
  return context;
}

MachineInfo describe_machine(const BenchContext& context) {
  MachineInfo info;
  info.cpu = cpu_model();
  info.cpus = static_cast<unsigned>(::sysconf(_SC_NPROCESSORS_ONLN));
  info.memory_bytes = static_cast<unsigned long long>(::sysconf(_SC_PHYS_PAGES)) *
                      static_cast<unsigned long long>(::sysconf(_SC_PAGESIZE));
  utsname name{};
  if (::uname(&name) == 0) info.kernel = name.release;
  if (context.kvm)
    info.kvm = kvm::detect_backend().describe();
  else
    info.kvm_unavailable = context.kvm_unavailable;
  return info;
}

std::string kvm_skip_reason(const BenchContext& context) {
  if (context.kvm) return {};
  return "needs /dev/kvm: " + context.kvm_unavailable;
}

} // namespace slotbox::bench
