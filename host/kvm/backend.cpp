#include "host/kvm/backend.h"

#include <fstream>
#include <sys/stat.h>

namespace slotbox::kvm {
namespace {

bool module_loaded(const std::string& module) {
  struct stat info{};
  return ::stat(("/sys/module/" + module).c_str(), &info) == 0;
}

// Module boolean parameters read "Y"/"N" or "1"/"0".
bool parameter_enabled(const std::string& module, const std::string& parameter) {
  std::ifstream file("/sys/module/" + module + "/parameters/" + parameter);
  std::string value;
  return (file >> value) && (value == "Y" || value == "1");
}

Backend read_backend() {
  if (module_loaded("kvm_pvm")) return {"kvm_pvm", MmuMode::kShadow};
  if (module_loaded("kvm_intel"))
    return {"kvm_intel", parameter_enabled("kvm_intel", "ept") ? MmuMode::kTdp : MmuMode::kShadow};
  if (module_loaded("kvm_amd"))
    return {"kvm_amd", parameter_enabled("kvm_amd", "npt") ? MmuMode::kTdp : MmuMode::kShadow};
  return {"unknown", MmuMode::kUnknown};
}

} // namespace

// Read once per process: the report's first line and every machine ask, and the modules do
// not change under a running process (each reading was five syscalls, on every start).
Backend detect_backend() {
  static const Backend backend = read_backend();
  return backend;
}

std::string Backend::describe() const {
  const char* mmu_name = mmu == MmuMode::kTdp
                             ? (module == "kvm_amd" ? "NPT" : "EPT")
                             : mmu == MmuMode::kShadow ? "shadow paging" : "unknown MMU";
  return module + ", " + mmu_name;
}

std::string Backend::key() const {
  if (module == "kvm_pvm") return "pvm";
  std::string vendor = module == "kvm_amd" ? "amd" : module == "kvm_intel" ? "intel" : "";
  if (vendor.empty() || mmu == MmuMode::kUnknown) return "unknown";
  return vendor + (mmu == MmuMode::kShadow ? "-shadow" : vendor == "amd" ? "-npt" : "-ept");
}

} // namespace slotbox::kvm
