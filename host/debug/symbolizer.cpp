#include "host/debug/symbolizer.h"

#include "host/base/fd.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>

#include <cstdlib>

namespace slotbox::debug {
namespace {

const Dwfl_Callbacks kOfflineCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

struct DwflDeleter {
  void operator()(Dwfl* dwfl) const { dwfl_end(dwfl); }
};

std::string demangled(const char* name) {
  if (!name) return {};
  int status = 0;
  char* text = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || !text) return name;
  std::string result = text;
  std::free(text);
  return result;
}

// A function DIE's name: its demangled linkage name (through DW_AT_abstract_origin and
// DW_AT_specification), else its plain name.
std::string function_name(Dwarf_Die* die) {
  Dwarf_Attribute attribute;
  for (int name : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name})
    if (dwarf_attr_integrate(die, name, &attribute))
      if (const char* linkage = dwarf_formstring(&attribute)) return demangled(linkage);
  const char* plain = dwarf_diename(die);
  return plain ? plain : "";
}

// The call site of an inlined subroutine: the file and line in the function it was
// inlined into.
void call_site(Dwarf_Die* cu, Dwarf_Die* inlined, SourceLocation& caller) {
  Dwarf_Attribute attribute;
  Dwarf_Word file = 0, line = 0;
  if (dwarf_attr(inlined, DW_AT_call_line, &attribute) && dwarf_formudata(&attribute, &line) == 0)
    caller.line = static_cast<int>(line);
  Dwarf_Files* files = nullptr;
  size_t count = 0;
  if (dwarf_attr(inlined, DW_AT_call_file, &attribute) && dwarf_formudata(&attribute, &file) == 0 &&
      dwarf_getsrcfiles(cu, &files, &count) == 0 && file < count)
    if (const char* name = dwarf_filesrc(files, file, nullptr, nullptr)) caller.file = name;
}

} // namespace

struct Symbolizer::State {
  std::unique_ptr<Dwfl, DwflDeleter> dwfl;
  Dwfl_Module* module = nullptr;
};

Symbolizer::Symbolizer(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Symbolizer::Symbolizer(Symbolizer&&) noexcept = default;
Symbolizer& Symbolizer::operator=(Symbolizer&&) noexcept = default;
Symbolizer::~Symbolizer() = default;

Result<Symbolizer> Symbolizer::open(const std::string& elf_path) {
  // libdw opens the file itself; this says why when it cannot.
  if (Fd probe(::open(elf_path.c_str(), O_RDONLY | O_CLOEXEC)); !probe.valid())
    return fail(Error::from_errno("ELF " + elf_path).as(ErrorKind::kBadInput));
  auto state = std::make_unique<State>();
  state->dwfl.reset(dwfl_begin(&kOfflineCallbacks));
  if (!state->dwfl) return fail(Error::bad_input("dwfl_begin", dwfl_errmsg(-1)));
  state->module = dwfl_report_offline(state->dwfl.get(), elf_path.c_str(), elf_path.c_str(), -1);
  if (!state->module) return fail(Error::bad_input("ELF " + elf_path, dwfl_errmsg(-1)));
  dwfl_report_end(state->dwfl.get(), nullptr, nullptr);
  return Symbolizer(std::move(state));
}

std::vector<SourceLocation> Symbolizer::locate(uint64_t address, bool return_address) const {
  Dwarf_Addr pc = return_address && address > 0 ? address - 1 : address;
  Dwfl_Module* module = m_state->module;
  GElf_Off offset = 0;
  GElf_Sym symbol;
  std::string symbol_name = demangled(dwfl_module_addrinfo(module, pc, &offset, &symbol, nullptr, nullptr, nullptr));
  SourceLocation innermost;
  if (Dwfl_Line* line = dwfl_module_getsrc(module, pc)) {
    int number = 0;
    if (const char* file = dwfl_lineinfo(line, nullptr, &number, nullptr, nullptr, nullptr)) innermost.file = file;
    innermost.line = number;
  }
  std::vector<SourceLocation> locations{innermost};

  // Scopes come innermost first: each inlined subroutine names the function of the
  // location so far and adds its call site; the subprogram ends the chain.
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(module, pc, &bias);
  Dwarf_Die* scopes = nullptr;
  int count = cu ? dwarf_getscopes(cu, pc - bias, &scopes) : 0;
  bool named = false;
  for (int i = 0; i < count && !named; ++i) {
    int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_inlined_subroutine) {
      locations.back().function = function_name(&scopes[i]);
      locations.back().inlined = true;
      SourceLocation caller;
      call_site(cu, &scopes[i], caller);
      locations.push_back(caller);
    } else if (tag == DW_TAG_subprogram) {
      locations.back().function = symbol_name.empty() ? function_name(&scopes[i]) : symbol_name;
      named = true;
    }
  }
  if (!named) locations.back().function = symbol_name;
  std::free(scopes);
  return locations;
}

std::optional<uint64_t> Symbolizer::symbol_address(std::string_view name) const {
  int count = dwfl_module_getsymtab(m_state->module);
  for (int i = 0; i < count; ++i) {
    GElf_Sym symbol;
    GElf_Addr address = 0;
    const char* symbol_name = dwfl_module_getsym_info(m_state->module, i, &symbol, &address, nullptr, nullptr, nullptr);
    if (symbol_name && name == symbol_name) return address;
  }
  return std::nullopt;
}

} // namespace slotbox::debug
