// The check harness: one TAP line per check on the console,
//   ok N - name
//   not ok N - name # file:line message
//   ok N - name # SKIP reason
// and at the end the plan and a tally. Check names are printf formats, so they can carry
// the numbers that were checked.
#pragma once

#include <stdint.h>

namespace slotbox::guest {

// CHECK(condition, "name %d", args...): passes when condition holds.
#define CHECK(condition, ...) \
  ::slotbox::guest::check_at(__FILE__, __LINE__, (condition), "failed: " #condition, __VA_ARGS__)

// CHECK_EQ(actual, expected, "name", args...): on failure the message shows both values.
#define CHECK_EQ(actual, expected, ...)                                                   \
  ::slotbox::guest::check_equal_at(__FILE__, __LINE__, static_cast<uint64_t>(actual),     \
                                   static_cast<uint64_t>(expected), __VA_ARGS__)

// SKIP("reason", "name %d", args...)
#define SKIP(reason, ...) ::slotbox::guest::skip_check(reason, __VA_ARGS__)

bool check_at(const char* file, int line, bool passed, const char* message, const char* name, ...)
    __attribute__((format(printf, 5, 6)));
bool check_equal_at(const char* file, int line, uint64_t actual, uint64_t expected,
                    const char* name, ...) __attribute__((format(printf, 5, 6)));
void skip_check(const char* reason, const char* name, ...) __attribute__((format(printf, 2, 3)));

struct CheckTally {
  unsigned passed, failed, skipped;
};
CheckTally check_tally();

} // namespace slotbox::guest
