// Every exception lands here. A `ud2` from CPL3 is a kernel call (kernel_call.h); any
// other exception is a bug in the image: report it as a TAP bail-out and end the run with
// kStatusCrash + vector. The report runs at CPL0 and never makes a kernel call: a `ud2`
// here would be an unexpected #UD in turn, and the recursion would end in a triple fault.
#include "kernel.h"
#include "slotbox/abi.h"
#include "slotbox/console.h"
#include "slotbox/io.h"
#include "slotbox/kernel_call.h"

namespace slotbox::guest {
namespace {

constexpr uint64_t kInvalidOpcode = 6;
constexpr uint8_t kUd2[2] = {0x0F, 0x0B};

// The armed fault probe (kernel_call.h kArmFault) and what it caught.
struct FaultProbe {
  bool armed = false;
  uint64_t resume = 0;
  uint64_t vector = ~0ull;
  uint64_t address = 0;
  uint64_t error = 0;
};
FaultProbe g_probe;
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
  case KernelOp::kArmFault: g_probe = FaultProbe{true, argument, ~0ull, 0, 0}; return 0;
  case KernelOp::kTakeFault: g_probe.armed = false; return g_probe.vector;
  case KernelOp::kFaultAddress: return g_probe.address;
  case KernelOp::kFaultError: return g_probe.error;
  case KernelOp::kReadCs: {
    uint16_t cs;
    asm volatile("mov %%cs, %0" : "=r"(cs));
    return cs;
  }
  }
  return ~0ull;
}

// A fault the probe was armed for: record it and resume where the prober said.
bool caught_by_probe(TrapFrame& frame) {
  if (!g_probe.armed || (frame.cs & 3) != 3) return false;
  bool probed = false;
  for (uint64_t vector : kProbedVectors) probed = probed || frame.vector == vector;
  if (!probed) return false;
  g_probe.armed = false;
  g_probe.vector = frame.vector;
  g_probe.address = read_cr(2);
  g_probe.error = frame.error_code;
  frame.rip = g_probe.resume;
  return true;
}

// One line, straight to the serial port, then the crash status. A fault while reporting
// (say, a broken console) skips the report rather than recursing.
[[noreturn]] void crash(const TrapFrame& frame) {
  static bool crashing = false;
  if (!crashing) {
    crashing = true;
    char line[200];
    size_t length = format_to(line, sizeof line,
                              "Bail out! unexpected exception %s (vector %lu, error code 0x%lx) at rip 0x%lx, "
                              "cr2 0x%lx, CPL %lu\n",
                              slotbox::abi::kExceptionNames[frame.vector % slotbox::abi::kExceptionVectors], frame.vector,
                              frame.error_code, frame.rip, read_cr(2), frame.cs & 3);
    kernel_console_write(line, length < sizeof line ? length : sizeof line - 1);
  }
  exit_guest(slotbox::abi::kStatusCrash + frame.vector % slotbox::abi::kExceptionVectors);
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
