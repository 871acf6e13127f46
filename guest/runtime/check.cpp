#include "slotbox/check.h"

#include "slotbox/console.h"
#include "slotbox/smp.h"

#include <stdarg.h>

namespace slotbox::guest {
namespace {

constexpr size_t kNameSize = 160;
CheckTally g_tally;
// Held from taking a check's number to printing its line, so that checks from several
// CPUs come out whole and in the order of their numbers.
SpinLock g_check_lock;

unsigned next_number() { return g_tally.passed + g_tally.failed + g_tally.skipped + 1; }

// Only the file's base name: build paths say nothing to the reader.
const char* base_name(const char* path) {
  const char* name = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/') name = p + 1;
  return name;
}

void report(bool passed, const char* file, int line, const char* name, const char* message) {
  LockGuard guard(g_check_lock);
  unsigned number = next_number();
  if (passed) {
    ++g_tally.passed;
    print("ok %u - %s\n", number, name);
  } else {
    ++g_tally.failed;
    print("not ok %u - %s # %s:%d %s\n", number, name, base_name(file), line, message);
  }
}

} // namespace

bool check_at(const char* file, int line, bool passed, const char* message, const char* name, ...) {
  char text[kNameSize];
  va_list arguments;
  va_start(arguments, name);
  vformat_to(text, sizeof text, name, arguments);
  va_end(arguments);
  report(passed, file, line, text, message);
  return passed;
}

bool check_equal_at(const char* file, int line, uint64_t actual, uint64_t expected,
                    const char* name, ...) {
  char text[kNameSize];
  va_list arguments;
  va_start(arguments, name);
  vformat_to(text, sizeof text, name, arguments);
  va_end(arguments);
  char message[64];
  format_to(message, sizeof message, "got 0x%lx, expected 0x%lx", actual, expected);
  report(actual == expected, file, line, text, message);
  return actual == expected;
}

void skip_check(const char* reason, const char* name, ...) {
  char text[kNameSize];
  va_list arguments;
  va_start(arguments, name);
  vformat_to(text, sizeof text, name, arguments);
  va_end(arguments);
  LockGuard guard(g_check_lock);
  ++g_tally.skipped;
  print("ok %u - %s # SKIP %s\n", next_number() - 1, text, reason);
}

CheckTally check_tally() {
  LockGuard guard(g_check_lock);
  return g_tally;
}

} // namespace slotbox::guest
