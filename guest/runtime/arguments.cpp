#include "slotbox/arguments.h"

#include "slotbox/host.h"

namespace slotbox::guest {
namespace {

constexpr uint64_t kCapacity = 1024;
char g_arguments[kCapacity];
uint64_t g_length = 0;
bool g_fetched = false;

bool equal(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

void fetch() {
  if (g_fetched) return;
  g_fetched = true;
  HostReply reply = host_call(abi::HostOp::kArguments, reinterpret_cast<uint64_t>(g_arguments), kCapacity - 1);
  g_length = reply.ok() ? reply.value[0] : 0;
}

} // namespace

const char* image_argument(const char* flag) {
  fetch();
  // NUL-separated: flag, value, flag, value ...
  for (uint64_t at = 0; at < g_length;) {
    const char* argument = g_arguments + at;
    uint64_t length = 0;
    while (argument[length]) ++length;
    uint64_t next = at + length + 1;
    if (equal(argument, flag) && next < g_length) return g_arguments + next;
    at = next;
  }
  return nullptr;
}

uint64_t parse_size(const char* text, uint64_t fallback) {
  if (!text || !*text) return fallback;
  uint64_t value = 0, base = 10;
  if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text += 2;
  }
  for (; *text; ++text) {
    char c = *text;
    uint64_t digit = c >= '0' && c <= '9' ? c - '0' : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
    if (digit >= base) break;
    value = value * base + digit;
  }
  switch (*text) {
  case '\0': return value;
  case 'K': case 'k': return text[1] ? fallback : value << 10;
  case 'M': case 'm': return text[1] ? fallback : value << 20;
  case 'G': case 'g': return text[1] ? fallback : value << 30;
  default: return fallback;
  }
}

} // namespace slotbox::guest
