#include "slotbox/metric.h"

#include "slotbox/console.h"

namespace slotbox::guest {
namespace {

constexpr size_t kWordSize = 64;

// One word of the line: spaces and control characters would split or break it.
void copy_word(char (&word)[kWordSize], const char* text) {
  size_t length = 0;
  for (; text && text[length] && length + 1 < kWordSize; ++length)
    word[length] = text[length] > ' ' && text[length] < 0x7F ? text[length] : '_';
  word[length] = '\0';
}

} // namespace

void metric(const char* name, uint64_t value, const char* unit) {
  char name_word[kWordSize], unit_word[kWordSize];
  copy_word(name_word, name);
  copy_word(unit_word, unit);
  print("# metric %s %lu %s\n", name_word[0] ? name_word : "unnamed", value, unit_word[0] ? unit_word : "-");
}

} // namespace slotbox::guest
