// Addresses in a guest image to function, file and line, from the image's ELF and its
// DWARF debug info, read with elfutils' libdw. Inlined calls are unfolded the way
// `addr2line -i` does: one location per inlined function, then the function they were
// inlined into.
#pragma once

#include "host/base/error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotbox::debug {

struct SourceLocation {
  std::string function;  // demangled: "image_main()"; empty where the address has no symbol
  std::string file;      // as the compiler recorded it (absolute for this build)
  int line = 0;          // 0 where the line table has nothing for the address
  bool inlined = false;  // inlined into the next location of the same address
};

class Symbolizer {
public:
  // kBadInput when the file is missing or not an ELF file.
  static Result<Symbolizer> open(const std::string& elf_path);
  Symbolizer(Symbolizer&&) noexcept;
  Symbolizer& operator=(Symbolizer&&) noexcept;
  ~Symbolizer();

  // Innermost first; one location with an empty function where nothing is known.
  // A return address should be given as itself: the call instruction before it is
  // what is looked up (return_address = true).
  std::vector<SourceLocation> locate(uint64_t address, bool return_address = false) const;
  // Where a symbol of the ELF's symbol table starts ("_Z10image_mainv", "user_start").
  std::optional<uint64_t> symbol_address(std::string_view name) const;

private:
  struct State;
  explicit Symbolizer(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

} // namespace slotbox::debug
