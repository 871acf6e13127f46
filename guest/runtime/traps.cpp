// Kernel calls and exceptions. A `ud2` from CPL3 is a kernel call (kernel_call.h): the #UD
// stub in trap_entry.asm tells it apart and calls perform_kernel_call. Any other exception
// comes to trap_dispatch; unless the fault probe was armed for it, it is a bug in the
// image: report it as a TAP bail-out and end the run with kStatusCrash + vector. The
// report runs at CPL0 and never makes a kernel call: a `ud2` here would be an unexpected
// #UD in turn, and the recursion would end in a triple fault.
#include "kernel.h"
#include "page_protection.h"
#include "per_cpu.h"
#include "slotbox/abi.h"
#include "slotbox/console.h"
#include "slotbox/io.h"
#include "slotbox/kernel_call.h"

namespace slotbox::guest {
namespace {

constexpr uint64_t kDoubleFault = 8;

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

// Deep enough to run off any stack; the volatile frame keeps each call from being merged
// into the next.
volatile uint64_t g_recursion_limit = ~0ull;
[[gnu::noinline]] uint64_t recurse(uint64_t depth) {
  volatile uint64_t frame[32];
  frame[0] = depth;
  if (depth == g_recursion_limit) return frame[0];
  return recurse(depth + 1) + frame[0];
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
  case KernelOp::kWriteSerial: transmit_serial(reinterpret_cast<const char*>(argument), argument2); return 0;
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
  case KernelOp::kOverflowKernelStack: return recurse(0);
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

// One line, straight to the serial port, then the crash status. A fault on a page the
// runtime protects says what it hit first ("Bail out! stack overflow: #PF ..."). The first CPU to crash
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
  uint64_t cr2 = read_cr(2);
  const char* cause = fault_cause(current_cpu(), frame.vector, frame.error_code, cr2);
  char what[48] = "unexpected exception";
  if (cause) format_to(what, sizeof what, "%s:", cause);
  // After a #DF, CR2 holds the address of the #PF that could not be delivered, and which
  // push of the delivery faulted first differs between CPUs and KVM's shadow MMU (0x...68
  // on one, 0x...70 on another): name the page instead, so the line is the same everywhere.
  char address[40];
  if (cause && frame.vector == kDoubleFault) format_to(address, sizeof address, "page 0x%lx", cr2 & ~uint64_t{0xFFF});
  else format_to(address, sizeof address, "cr2 0x%lx", cr2);
  char line[240];
  size_t length = format_to(line, sizeof line,
                            "Bail out! %s %s (vector %lu, error code 0x%lx) at rip 0x%lx, %s, CPL %lu%s\n",
                            what, slotbox::abi::kExceptionNames[frame.vector % slotbox::abi::kExceptionVectors],
                            frame.vector, frame.error_code, frame.rip, address, frame.cs & 3, where);
  kernel_console_write(line, length < sizeof line ? length : sizeof line - 1);
  exit_crashed(frame);
}

} // namespace

[[noreturn]] void exit_guest(uint32_t status) {
  outb(abi::kExitPort, static_cast<uint8_t>(status));
  for (;;) asm volatile("pause");  // the host (or QEMU) has ended the run by now
}

} // namespace slotbox::guest

// From the #UD stub (trap_entry.asm), at CPL0 on the calling CPU's kernel stack.
extern "C" uint64_t perform_kernel_call(uint64_t op, uint64_t argument, uint64_t argument2) {
  return slotbox::guest::perform(static_cast<slotbox::guest::KernelOp>(op), argument, argument2);
}

extern "C" void trap_dispatch(slotbox::guest::TrapFrame* frame) {
  using namespace slotbox::guest;
  if (caught_by_probe(*frame)) return;
  crash(*frame);
}
