// Every exception lands here. A `ud2` from CPL3 is a kernel call (kernel_call.h); any
// other exception is a bug in the image: report it as a TAP bail-out and end the run with
// kStatusCrash + vector. The report runs at CPL0 and never makes a kernel call: a `ud2`
// here would be an unexpected #UD in turn, and the recursion would end in a triple fault.
#include "kernel.h"
#include "per_cpu.h"
#include "slotbox/abi.h"
#include "slotbox/console.h"
#include "slotbox/io.h"
#include "slotbox/kernel_call.h"

namespace slotbox::guest {
namespace {

constexpr uint64_t kInvalidOpcode = 6;
constexpr uint8_t kUd2[2] = {0x0F, 0x0B};

constexpr uint64_t kProbedVectors[] = {6, 13, 14};  // #UD, #GP, #PF

uint64_t read_cr(int number) {
  uint64_t value = 0;
  switch (number) {
  case 0: asm volatile("mov %%cr0, %0" : "=r"(value)); break;
  case 2: asm volatile("mov %%cr2, %0" : "=r"(value)); break;
  case 3: asm volatile("mov %%cr3, %0" : "=r"(value)); break;
  case 4: asm volatile("mov %%cr4, %0" : "=r"(value)); break;
  }
  return value;
}

uint64_t read_msr(uint32_t index) {
  uint32_t low, high;
  asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(index));
  return uint64_t{high} << 32 | low;
}

bool is_kernel_call(const TrapFrame& frame) {
  if (frame.vector != kInvalidOpcode || (frame.cs & 3) != 3) return false;
  const auto* code = reinterpret_cast<const uint8_t*>(frame.rip);
  return code[0] == kUd2[0] && code[1] == kUd2[1];
}

void write_serial(uint64_t bytes, uint64_t count) {
  asm volatile("rep outsb" : "+S"(bytes), "+c"(count) : "d"(abi::kSerialPort) : "memory");
}

[[noreturn]] void triple_fault() {
  struct __attribute__((packed)) {
    uint16_t limit = 0;
    uint64_t base = 0;
  } empty;
  asm volatile("lidt %0\n ud2" ::"m"(empty));  // #UD -> #GP -> #DF, none deliverable
  __builtin_unreachable();
}

uint64_t perform(KernelOp op, uint64_t argument, uint64_t argument2) {
  switch (op) {
  case KernelOp::kReadCr0: return read_cr(0);
  case KernelOp::kReadCr2: return read_cr(2);
  case KernelOp::kReadCr3: return read_cr(3);
  case KernelOp::kReadCr4: return read_cr(4);
  case KernelOp::kReadMsr: return read_msr(static_cast<uint32_t>(argument));
  case KernelOp::kInvlpg: asm volatile("invlpg (%0)" ::"r"(argument) : "memory"); return 0;
  case KernelOp::kWriteSerial: write_serial(argument, argument2); return 0;
  case KernelOp::kTripleFault: triple_fault();
  case KernelOp::kArmFault: current_cpu().probe = FaultProbe{true, argument, ~0ull, 0, 0}; return 0;
  case KernelOp::kTakeFault: current_cpu().probe.armed = false; return current_cpu().probe.vector;
  case KernelOp::kFaultAddress: return current_cpu().probe.address;
  case KernelOp::kFaultError: return current_cpu().probe.error;
  case KernelOp::kReadCs: {
    uint16_t cs;
    asm volatile("mov %%cs, %0" : "=r"(cs));
    return cs;
  }
  case KernelOp::kPrepareCpu: return prepare_cpu(argument);
  case KernelOp::kWithdrawCpu: return withdraw_cpu(argument);
  case KernelOp::kSendInit: return send_init(argument);
  case KernelOp::kSendStartup: return send_startup(argument, argument2);
  }
  return ~0ull;
}

// A fault the probe was armed for: record it and resume where the prober said.
bool caught_by_probe(TrapFrame& frame) {
  FaultProbe& probe = current_cpu().probe;
  if (!probe.armed || (frame.cs & 3) != 3) return false;
  bool probed = false;
  for (uint64_t vector : kProbedVectors) probed = probed || frame.vector == vector;
  if (!probed) return false;
  probe.armed = false;
  probe.vector = frame.vector;
  probe.address = read_cr(2);
  probe.error = frame.error_code;
  frame.rip = probe.resume;
  return true;
}

// The crash status, with the faulting context's frame in RSI for the host (abi.h):
// QEMU ignores it, so both print the same.
[[noreturn]] void exit_crashed(const TrapFrame& frame) {
  uint8_t status = static_cast<uint8_t>(abi::kStatusCrash + frame.vector % abi::kExceptionVectors);
  asm volatile("outb %%al, %%dx" ::"a"(status), "d"(abi::kExitPort), "S"(&frame) : "memory");
  for (;;) asm volatile("pause");
}

// One line, straight to the serial port, then the crash status. The first CPU to crash
// reports and ends the run; another one waits for that end, so its line can neither mix
// with the first nor follow it. A fault while reporting (say, a broken console) skips the
// report rather than recursing. Only the other CPUs name themselves (" on CPU 3"): the
// boot CPU's line is the one it always was.
[[noreturn]] void crash(const TrapFrame& frame) {
  static uint32_t reporter = 0;  // 1 + the index of the CPU reporting
  uint32_t cpu = current_cpu().index;
  uint32_t first = 0;
  if (!__atomic_compare_exchange_n(&reporter, &first, cpu + 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    if (first != cpu + 1) for (;;) asm volatile("pause");
    exit_crashed(frame);
  }
  char where[16] = "";
  if (cpu != 0) format_to(where, sizeof where, " on CPU %u", cpu);
  char line[200];
  size_t length = format_to(line, sizeof line,
                            "Bail out! unexpected exception %s (vector %lu, error code 0x%lx) at rip 0x%lx, "
                            "cr2 0x%lx, CPL %lu%s\n",
                            slotbox::abi::kExceptionNames[frame.vector % slotbox::abi::kExceptionVectors], frame.vector,
                            frame.error_code, frame.rip, read_cr(2), frame.cs & 3, where);
  kernel_console_write(line, length < sizeof line ? length : sizeof line - 1);
  exit_crashed(frame);
}

} // namespace

[[noreturn]] void exit_guest(uint32_t status) {
  outb(abi::kExitPort, static_cast<uint8_t>(status));
  for (;;) asm volatile("pause");  // the host (or QEMU) has ended the run by now
}

} // namespace slotbox::guest

extern "C" void trap_dispatch(slotbox::guest::TrapFrame* frame) {
  using namespace slotbox::guest;
  if (is_kernel_call(*frame)) {
    frame->rax = perform(static_cast<KernelOp>(frame->rax), frame->rdi, frame->rsi);
    frame->rip += sizeof kUd2;
    return;
  }
  if (caught_by_probe(*frame)) return;
  crash(*frame);
}
