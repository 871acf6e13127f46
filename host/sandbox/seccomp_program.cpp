#include "host/sandbox/seccomp_program.h"

#include "host/sandbox/syscall_names.h"

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <cerrno>
#include <cstddef>

namespace slotbox::sandbox {
namespace {

constexpr unsigned kArguments = 6;

// Where the kernel's struct seccomp_data keeps what the program looks at; an argument is
// 64 bits, its low half first (x86-64 is little-endian).
constexpr uint32_t kNumberAt = offsetof(seccomp_data, nr);
constexpr uint32_t kArchAt = offsetof(seccomp_data, arch);
uint32_t argument_half_at(unsigned index, bool high) {
  return static_cast<uint32_t>(offsetof(seccomp_data, args) + index * sizeof(uint64_t) + (high ? 4 : 0));
}

sock_filter statement(uint16_t code, uint32_t value) { return BPF_STMT(code, value); }
sock_filter jump_if_equal(uint32_t value, uint8_t if_true, uint8_t if_false) {
  return BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, if_true, if_false);
}

// A test as (argument & mask) == expected, one 32-bit half at a time; a half whose mask
// is 0 always matches and is not looked at.
struct HalfTest {
  uint32_t at;
  uint32_t mask;
  uint32_t expected;
};

void add_half_tests(std::vector<HalfTest>& tests, const ArgumentTest& test) {
  uint64_t mask = 0, expected = 0;
  switch (test.kind) {
  case ArgumentTest::Kind::kEquals32: mask = 0xFFFFFFFFull, expected = test.value & 0xFFFFFFFFull; break;
  case ArgumentTest::Kind::kNoBitsOf: mask = test.value, expected = 0; break;
  }
  for (bool high : {false, true}) {
    uint32_t half_mask = static_cast<uint32_t>(high ? mask >> 32 : mask);
    if (half_mask)
      tests.push_back({argument_half_at(test.index, high), half_mask, static_cast<uint32_t>(high ? expected >> 32 : expected)});
  }
}

// One rule: load the number, compare, then each test; any mismatch jumps past the rule's
// own ALLOW to the next rule. A rule is at most 2 + 6 * 2 * 3 + 1 instructions, so every
// jump fits BPF's 8-bit offsets.
void add_rule(std::vector<sock_filter>& program, int number, const std::vector<HalfTest>& tests) {
  std::vector<sock_filter> rule;
  rule.push_back(statement(BPF_LD | BPF_W | BPF_ABS, kNumberAt));
  rule.push_back(jump_if_equal(static_cast<uint32_t>(number), 0, 0));
  for (const HalfTest& test : tests) {
    rule.push_back(statement(BPF_LD | BPF_W | BPF_ABS, test.at));
    if (test.mask != 0xFFFFFFFFu) rule.push_back(statement(BPF_ALU | BPF_AND | BPF_K, test.mask));
    rule.push_back(jump_if_equal(test.expected, 0, 0));
  }
  rule.push_back(statement(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  // Every conditional jump's false branch goes to the instruction after the ALLOW.
  for (size_t i = 0; i < rule.size(); ++i)
    if (rule[i].code == (BPF_JMP | BPF_JEQ | BPF_K)) rule[i].jf = static_cast<uint8_t>(rule.size() - 1 - i);
  program.insert(program.end(), rule.begin(), rule.end());
}

} // namespace

Result<std::vector<sock_filter>> seccomp_program(const std::vector<SyscallRule>& rules) {
  std::vector<sock_filter> program;
  program.push_back(statement(BPF_LD | BPF_W | BPF_ABS, kArchAt));
  program.push_back(jump_if_equal(AUDIT_ARCH_X86_64, 1, 0));
  program.push_back(statement(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
  for (const SyscallRule& rule : rules) {
    auto number = syscall_number(rule.syscall);
    if (!number) return fail(Error::from_errno("seccomp program", "no x86-64 system call named " + rule.syscall, EINVAL));
    std::vector<HalfTest> tests;
    for (const ArgumentTest& test : rule.arguments) {
      if (test.index >= kArguments)
        return fail(Error::from_errno("seccomp program", rule.syscall + ": argument " + std::to_string(test.index), EINVAL));
      add_half_tests(tests, test);
    }
    add_rule(program, *number, tests);
  }
  program.push_back(statement(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
  return program;
}

} // namespace slotbox::sandbox
