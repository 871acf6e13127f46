#include "host/sandbox/seccomp_filter.h"

#include "host/sandbox/violation_report.h"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string_view>

namespace slotbox::sandbox {
namespace {

struct ReleaseFilter {
  void operator()(void* filter) const { seccomp_release(filter); }
};
using Filter = std::unique_ptr<void, ReleaseFilter>;  // scmp_filter_ctx is a void*

// libseccomp returns -errno.
Error seccomp_error(const char* call, const std::string& context, int result) {
  return Error::from_errno(call, context, -result);
}

scmp_arg_cmp comparison(const ArgumentTest& test) {
  switch (test.kind) {
  case ArgumentTest::Kind::kEquals32:
    return {test.index, SCMP_CMP_MASKED_EQ, 0xFFFFFFFFull, test.value & 0xFFFFFFFFull};
  case ArgumentTest::Kind::kNoBitsOf:
    return {test.index, SCMP_CMP_MASKED_EQ, test.value, 0};
  }
  return {test.index, SCMP_CMP_MASKED_EQ, 0, 1};  // never holds
}

// Adds `rule` to `filter`; gives its system call's number.
Result<int> add_rule(void* filter, const SyscallRule& rule, const std::string& label) {
  int number = seccomp_syscall_resolve_name(rule.syscall.c_str());
  if (number == __NR_SCMP_ERROR)
    return fail(Error::from_errno("seccomp_syscall_resolve_name", label + ", " + rule.syscall, EINVAL));
  std::vector<scmp_arg_cmp> tests;
  for (const ArgumentTest& test : rule.arguments) tests.push_back(comparison(test));
  int result = seccomp_rule_add_exact_array(filter, SCMP_ACT_ALLOW, number, static_cast<unsigned>(tests.size()),
                                            tests.data());
  if (result < 0) return fail(seccomp_error("seccomp_rule_add", label + ", " + rule.syscall, result));
  return number;
}

// Every exit comes back through the filter with its next KVM_RUN, so the filter tests
// the system calls in the policy's order (hottest first): libseccomp places a call with a
// higher priority earlier. With the vCPU policy KVM_RUN passes 19 BPF instructions, not
// 34 in libseccomp's own order. `in_order`: each system call once, as the policy first
// lists it.
struct ResolvedCall {
  int number;
  std::string_view name;  // the policy's, for a refusal's message
};

Result<void> prioritize(void* filter, const std::vector<ResolvedCall>& in_order, const std::string& label) {
  constexpr int kHighest = 255;  // libseccomp's hint range: 0 ... 255
  int priority = kHighest;
  for (const ResolvedCall& call : in_order) {
    if (int result = seccomp_syscall_priority(filter, call.number, static_cast<uint8_t>(priority)); result < 0)
      return fail(seccomp_error("seccomp_syscall_priority", label + ", " + std::string(call.name), result));
    priority = std::max(priority - 1, 0);
  }
  return {};
}

Result<Filter> compile(const std::vector<SyscallRule>& rules, const std::string& label) {
  Filter filter(seccomp_init(SCMP_ACT_TRAP));
  if (!filter) return fail(Error::from_errno("seccomp_init", label, ENOMEM));
  // A call through another ABI (the 32-bit int 0x80 one) is reported the same way, not
  // left to libseccomp's default of killing the thread alone, silently.
  if (int result = seccomp_attr_set(filter.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP); result < 0)
    return fail(seccomp_error("seccomp_attr_set", label + ", SCMP_FLTATR_ACT_BADARCH", result));
  std::vector<ResolvedCall> in_order;
  for (const SyscallRule& rule : rules) {
    int number = SLOTBOX_TRY(add_rule(filter.get(), rule, label));
    auto listed = [number](const ResolvedCall& call) { return call.number == number; };
    if (std::none_of(in_order.begin(), in_order.end(), listed)) in_order.push_back({number, rule.syscall});
  }
  SLOTBOX_TRY_VOID(prioritize(filter.get(), in_order, label));
  return filter;
}

} // namespace

Result<void> confine_this_thread(const std::vector<SyscallRule>& rules, const std::string& label) {
  prepare_violation_report();
  Filter filter = SLOTBOX_TRY(compile(rules, label));
  name_this_thread(label);
  if (int result = seccomp_load(filter.get()); result < 0) return fail(seccomp_error("seccomp_load", label, result));
  return {};
}

Result<void> write_pseudo_code(const std::vector<SyscallRule>& rules, int fd) {
  Filter filter = SLOTBOX_TRY(compile(rules, "pseudo code"));
  if (int result = seccomp_export_pfc(filter.get(), fd); result < 0)
    return fail(seccomp_error("seccomp_export_pfc", "pseudo code", result));
  return {};
}

void make_disallowed_call() {
  long fd = ::syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) ::close(static_cast<int>(fd));
}

} // namespace slotbox::sandbox
