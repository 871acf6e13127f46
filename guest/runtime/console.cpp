#include "slotbox/console.h"

#include "kernel.h"

#include "slotbox/abi.h"
#include "slotbox/io.h"
#include "slotbox/kernel_call.h"
#include "slotbox/smp.h"

#include <stdint.h>

namespace slotbox::guest {
namespace {

// 16550A (National Semiconductor PC16550D data sheet): with the FIFOs on, LSR.THRE says
// the 16-byte transmit FIFO is empty, so one status read covers 16 bytes, and those go
// out with one `rep outsb`. Each port access is a VM exit (tens of microseconds on PVM):
// 2 exits per 16 bytes instead of 2 per byte. A whole line goes in one kernel call, which
// costs ~25 CPL0 instructions, each emulated on PVM.
constexpr uint8_t kTransmitterEmpty = 0x20;        // LSR.THRE
constexpr uint16_t kFifoControlPort = slotbox::abi::kSerialPort + 2;
constexpr uint8_t kFifoEnableAndClear = 0x07;      // FCR: enable, clear receive and transmit
constexpr size_t kTransmitFifoSize = 16;
constexpr size_t kLineCapacity = 256;              // a longer line goes out in pieces

struct SerialLine {
  char pending[kLineCapacity];
  size_t length = 0;
  bool fifo_enabled = false;

  void put(char c) {
    pending[length++] = c;
    if (c == '\n' || length == kLineCapacity) flush();
  }
  // From CPL0 only (the crash path): what is pending, then text, one `outb` at a time,
  // with no kernel call that could trap into the handler that is reporting a trap.
  void write_from_kernel(const char* text, size_t count) {
    for (size_t i = 0; i < length; ++i) outb(slotbox::abi::kSerialPort, pending[i]);
    length = 0;
    for (size_t i = 0; i < count; ++i) outb(slotbox::abi::kSerialPort, text[i]);
  }
  void flush() {
    if (!fifo_enabled) {
      outb(kFifoControlPort, kFifoEnableAndClear);
      fifo_enabled = true;
    }
    kernel_call(KernelOp::kWriteSerial, reinterpret_cast<uint64_t>(pending), length);
    length = 0;
  }
};
SerialLine g_serial;
// Held while a CPU formats into g_serial: each print() comes out whole, whichever CPUs
// print at once.
SpinLock g_console_lock;
// How long the crash path waits for another CPU to finish its line (a second or less at
// any TSC rate): that CPU may have crashed holding the lock.
constexpr uint64_t kCrashLockTicks = 1'000'000'000;

// Where formatted characters go: the serial port, or a bounded buffer.
struct Sink {
  char* buffer = nullptr;  // nullptr: the console
  size_t capacity = 0;
  size_t length = 0;

  void put(char c) {
    if (!buffer) {
      g_serial.put(c);  // under g_console_lock (vprint)
    } else if (length + 1 < capacity) {
      buffer[length] = c;
    }
    ++length;
  }
  void pad(char c, int count) {
    for (int i = 0; i < count; ++i) put(c);
  }
};

struct Spec {
  bool left = false;
  bool zero = false;
  int width = 0;
  int longs = 0;  // 0: int, 1: long, 2: long long; size_t counts as long
};

void put_text(Sink& sink, const char* text, size_t length, const Spec& spec) {
  int padding = spec.width > static_cast<int>(length) ? spec.width - static_cast<int>(length) : 0;
  if (!spec.left) sink.pad(spec.zero ? '0' : ' ', padding);
  for (size_t i = 0; i < length; ++i) sink.put(text[i]);
  if (spec.left) sink.pad(' ', padding);
}

void put_number(Sink& sink, uint64_t value, bool negative, unsigned base, bool upper, const Spec& spec) {
  char digits[24];
  size_t length = 0;
  const char* symbols = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[sizeof digits - 1 - length++] = symbols[value % base];
    value /= base;
  } while (value);
  if (negative) digits[sizeof digits - 1 - length++] = '-';
  put_text(sink, digits + sizeof digits - length, length, spec);
}

uint64_t take_unsigned(va_list& arguments, int longs) {
  if (longs == 0) return va_arg(arguments, unsigned);
  return va_arg(arguments, unsigned long long);
}

int64_t take_signed(va_list& arguments, int longs) {
  if (longs == 0) return va_arg(arguments, int);
  return va_arg(arguments, long long);
}

void format(Sink& sink, const char* format, va_list incoming) {
  // A va_list parameter has decayed to a pointer; a local copy can be passed by reference.
  va_list arguments;
  va_copy(arguments, incoming);
  for (const char* p = format; *p; ++p) {
    if (*p != '%') {
      sink.put(*p);
      continue;
    }
    Spec spec;
    ++p;
    for (;; ++p) {
      if (*p == '-') spec.left = true;
      else if (*p == '0') spec.zero = true;
      else break;
    }
    while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    while (*p == 'l' || *p == 'z') {
      ++spec.longs;
      ++p;
    }
    switch (*p) {
    case 'd':
    case 'i': {
      int64_t value = take_signed(arguments, spec.longs);
      put_number(sink, value < 0 ? -static_cast<uint64_t>(value) : value, value < 0, 10, false, spec);
      break;
    }
    case 'u': put_number(sink, take_unsigned(arguments, spec.longs), false, 10, false, spec); break;
    case 'x': put_number(sink, take_unsigned(arguments, spec.longs), false, 16, false, spec); break;
    case 'X': put_number(sink, take_unsigned(arguments, spec.longs), false, 16, true, spec); break;
    case 'p':
      sink.put('0');
      sink.put('x');
      put_number(sink, reinterpret_cast<uint64_t>(va_arg(arguments, void*)), false, 16, false, spec);
      break;
    case 'c': {
      char c = static_cast<char>(va_arg(arguments, int));
      put_text(sink, &c, 1, spec);
      break;
    }
    case 's': {
      const char* text = va_arg(arguments, const char*);
      if (!text) text = "(null)";
      size_t length = 0;
      while (text[length]) ++length;
      put_text(sink, text, length, spec);
      break;
    }
    case '%': sink.put('%'); break;
    case '\0': va_end(arguments); return;
    default: sink.put('%'); sink.put(*p); break;
    }
  }
  va_end(arguments);
}

} // namespace

void put_char(char c) {
  LockGuard guard(g_console_lock);
  g_serial.put(c);
}

// In assembly because it is the kernel's busiest loop (a console line is ~2 chunks), and
// on PVM every instruction of it is emulated: 11 a chunk, where the compiler's took 15.
// Each round waits for THRE, then sends min(16, left) bytes; the flags of the `sub` that
// counts them survive `mov` and `rep outsb`, and end the loop when nothing is left.
void transmit_serial(const char* bytes, size_t count) {
  asm volatile("1:\n"
               "  mov %[status_port], %%edx\n"
               "2:\n"
               "  in %%dx, %%al\n"
               "  test %[empty], %%al\n"
               "  jz 2b\n"
               "  mov %[fifo], %%ecx\n"
               "  cmp %%rcx, %[left]\n"
               "  cmovb %[left], %%rcx\n"
               "  sub %%rcx, %[left]\n"
               "  mov %[data_port], %%edx\n"
               "  rep outsb\n"
               "  jnz 1b\n"
               : "+S"(bytes), [left] "+r"(count)
               : [status_port] "i"(slotbox::abi::kSerialLineStatusPort), [empty] "i"(kTransmitterEmpty),
                 [fifo] "i"(kTransmitFifoSize), [data_port] "i"(slotbox::abi::kSerialPort)
               : "rax", "rcx", "rdx", "memory", "cc");
}

// The lock is not given back: the crash report ends the run.
void kernel_console_write(const char* text, size_t length) {
  uint64_t start = read_tsc();
  if (!g_console_lock.held_by_this_cpu())  // else it crashed while printing
    while (!g_console_lock.try_lock() && read_tsc() - start < kCrashLockTicks) cpu_relax();
  g_serial.write_from_kernel(text, length);
}

void vprint(const char* text, va_list arguments) {
  LockGuard guard(g_console_lock);
  Sink sink;
  format(sink, text, arguments);
}

void print(const char* text, ...) {
  va_list arguments;
  va_start(arguments, text);
  vprint(text, arguments);
  va_end(arguments);
}

size_t vformat_to(char* buffer, size_t size, const char* text, va_list arguments) {
  Sink sink{buffer, size, 0};
  format(sink, text, arguments);
  if (size) buffer[sink.length < size ? sink.length : size - 1] = '\0';
  return sink.length;
}

size_t format_to(char* buffer, size_t size, const char* text, ...) {
  va_list arguments;
  va_start(arguments, text);
  size_t length = vformat_to(buffer, size, text, arguments);
  va_end(arguments);
  return length;
}

} // namespace slotbox::guest
