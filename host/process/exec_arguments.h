// The argument list execv and posix_spawn take: a pointer to each of `argv`'s strings,
// then the null that ends the list. Valid while `argv` lives unchanged.
#pragma once

#include <string>
#include <vector>

namespace slotbox::process {

inline std::vector<char*> exec_arguments(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  return args;
}

} // namespace slotbox::process
