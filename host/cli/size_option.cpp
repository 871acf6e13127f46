#include "host/cli/size_option.h"

#include <cctype>
#include <charconv>

namespace slotbox::cli {
namespace {

// The power of 1024 a suffix letter stands for, or -1 for an unknown letter.
int suffix_exponent(char letter) {
  switch (std::toupper(static_cast<unsigned char>(letter))) {
  case 'B': return 0;
  case 'K': return 1;
  case 'M': return 2;
  case 'G': return 3;
  case 'T': return 4;
  default: return -1;
  }
}

} // namespace

Result<uint64_t> parse_size(const std::string& option, const std::string& text) {
  auto bad = [&](const std::string& reason) {
    return fail(Error::bad_input(option + " " + text, reason));
  };
  uint64_t number = 0;
  auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || rest == text.data()) return bad("not a size (try 512M or 4G)");
  std::string suffix(rest, text.data() + text.size());
  int exponent = 2;  // bare numbers are MiB
  if (!suffix.empty()) {
    exponent = suffix_exponent(suffix[0]);
    std::string tail = suffix.substr(1);
    bool tail_ok = tail.empty() || tail == "iB" || tail == "B" || tail == "ib" || tail == "b";
    if (exponent < 0 || !tail_ok) return bad("unknown unit '" + suffix + "' (use K, M, G or T)");
  }
  uint64_t bytes = number;
  for (int i = 0; i < exponent; ++i) {
    if (bytes > (UINT64_MAX >> 10)) return bad("too large");
    bytes <<= 10;
  }
  return bytes;
}

} // namespace slotbox::cli
