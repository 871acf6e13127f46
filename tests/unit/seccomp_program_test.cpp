// The vCPU filter's BPF program, run here by a small interpreter of the classic BPF the
// kernel's seccomp accepts (loads, AND, JEQ, RET: all the program uses), on made-up
// system calls; sandbox_test.cpp loads real filters. And the system call name table.
#include "host/sandbox/seccomp_program.h"
#include "host/sandbox/syscall_names.h"

#include <doctest/doctest.h>
#include <linux/audit.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <array>
#include <cstring>

using namespace slotbox::sandbox;

namespace {

uint32_t run(const std::vector<sock_filter>& program, const seccomp_data& data) {
  uint32_t accumulator = 0;
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const sock_filter& op = program[pc];
    switch (op.code) {
    case BPF_LD | BPF_W | BPF_ABS:
      REQUIRE(op.k + 4 <= sizeof data);
      std::memcpy(&accumulator, reinterpret_cast<const uint8_t*>(&data) + op.k, 4);
      break;
    case BPF_ALU | BPF_AND | BPF_K: accumulator &= op.k; break;
    case BPF_JMP | BPF_JEQ | BPF_K: pc += accumulator == op.k ? op.jt : op.jf; break;
    case BPF_RET | BPF_K: return op.k;
    default: FAIL("an instruction the interpreter does not know: ", op.code);
    }
  }
  FAIL("the program ran off its end");
  return 0;
}

seccomp_data call(int number, std::array<uint64_t, 6> args = {}, uint32_t arch = AUDIT_ARCH_X86_64) {
  seccomp_data data{};
  data.nr = number;
  data.arch = arch;
  for (size_t i = 0; i < args.size(); ++i) data.args[i] = args[i];
  return data;
}

std::vector<SyscallRule> example_rules() {
  using Kind = ArgumentTest::Kind;
  return {
      {"ioctl", {{0, Kind::kEquals32, 7}, {1, Kind::kEquals32, KVM_RUN}}, "run"},
      {"mmap", {{2, Kind::kNoBitsOf, PROT_EXEC}}, "memory"},
      {"futex", {}, "locks"},
  };
}

} // namespace

TEST_CASE("the seccomp program allows a call only when its number and every argument test match") {
  auto program = seccomp_program(example_rules());
  REQUIRE(program);
  CHECK(run(*program, call(SYS_ioctl, {7, KVM_RUN})) == SECCOMP_RET_ALLOW);
  CHECK(run(*program, call(SYS_ioctl, {8, KVM_RUN})) == SECCOMP_RET_TRAP);
  CHECK(run(*program, call(SYS_ioctl, {7, KVM_CREATE_VCPU})) == SECCOMP_RET_TRAP);
  SUBCASE("an fd is a C int: the upper half of its register is not looked at") {
    CHECK(run(*program, call(SYS_ioctl, {0xFFFFFFFF00000007ull, KVM_RUN})) == SECCOMP_RET_ALLOW);
  }
  SUBCASE("a bit test looks at the bits named, in both halves") {
    CHECK(run(*program, call(SYS_mmap, {0, 4096, PROT_READ | PROT_WRITE})) == SECCOMP_RET_ALLOW);
    CHECK(run(*program, call(SYS_mmap, {0, 4096, PROT_READ | PROT_EXEC})) == SECCOMP_RET_TRAP);
  }
  SUBCASE("a rule without tests allows any arguments") {
    CHECK(run(*program, call(SYS_futex, {1, 2, 3, 4, 5, 6})) == SECCOMP_RET_ALLOW);
  }
  SUBCASE("a call no rule names, an x32 call and another ABI are trapped") {
    CHECK(run(*program, call(SYS_openat)) == SECCOMP_RET_TRAP);
    CHECK(run(*program, call(SYS_futex | 0x40000000)) == SECCOMP_RET_TRAP);       // __X32_SYSCALL_BIT
    CHECK(run(*program, call(SYS_futex, {}, AUDIT_ARCH_I386)) == SECCOMP_RET_TRAP);  // int 0x80
  }
}

TEST_CASE("the seccomp program refuses a rule it cannot express") {
  CHECK_FALSE(seccomp_program({{"no_such_call", {}, ""}}));
  CHECK_FALSE(seccomp_program({{"write", {{6, ArgumentTest::Kind::kEquals32, 1}}, ""}}));
  auto widest = seccomp_program({{"write", {{0, ArgumentTest::Kind::kNoBitsOf, ~0ull}, {1, ArgumentTest::Kind::kNoBitsOf, ~0ull},
                                            {2, ArgumentTest::Kind::kNoBitsOf, ~0ull}, {3, ArgumentTest::Kind::kNoBitsOf, ~0ull},
                                            {4, ArgumentTest::Kind::kNoBitsOf, ~0ull}, {5, ArgumentTest::Kind::kNoBitsOf, ~0ull}}, ""}});
  REQUIRE(widest);
  CHECK(run(*widest, call(SYS_write)) == SECCOMP_RET_ALLOW);
  CHECK(run(*widest, call(SYS_write, {0, 0, 0, 0, 0, 1ull << 63})) == SECCOMP_RET_TRAP);
}

TEST_CASE("system call names are the kernel's, both ways") {
  CHECK(syscall_number("read") == SYS_read);
  CHECK(syscall_number("ioctl") == SYS_ioctl);
  CHECK(syscall_number("pread64") == SYS_pread64);
  CHECK(syscall_number("openat2") == SYS_openat2);
  CHECK_FALSE(syscall_number("no_such_call"));
  CHECK_FALSE(syscall_number(""));
  CHECK(std::string(syscall_name(SYS_openat)) == "openat");
  CHECK(std::string(syscall_name(SYS_exit_group)) == "exit_group");
  CHECK(syscall_name(-1) == nullptr);
  CHECK(syscall_name(100000) == nullptr);
}
