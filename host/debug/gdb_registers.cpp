#include "host/debug/gdb_registers.h"

#include "host/debug/gdb_packet.h"

#include <array>
#include <cstring>
#include <vector>

namespace slotbox::debug::gdb {
namespace {

enum class Field { kGpr, kRip, kRflags, kSegment, kZero, kFsBase, kGsBase, kCr0, kCr2, kCr3, kCr4, kCr8, kEfer };

struct RegisterInfo {
  std::string name;
  unsigned bytes;
  const char* type;
  const char* feature;
  Field field;
  unsigned index = 0;  // for kGpr and kSegment
};

constexpr const char* kCore = "org.gnu.gdb.i386.core";
constexpr const char* kSse = "org.gnu.gdb.i386.sse";
constexpr const char* kSegments = "org.gnu.gdb.i386.segments";
constexpr const char* kSystem = "org.slotbox.x86-64.system";

// gdb's amd64 numbering (gdb/features/i386/64bit-*.xml), then slotbox's system registers.
const std::vector<RegisterInfo>& layout() {
  static const std::vector<RegisterInfo> registers = [] {
    std::vector<RegisterInfo> all;
    for (unsigned i = 0; i < kGprCount; ++i)
      all.push_back({kGprNames[i], 8, i == 6 || i == 7 ? "data_ptr" : "int64", kCore, Field::kGpr, i});
    all.push_back({"rip", 8, "code_ptr", kCore, Field::kRip});
    all.push_back({"eflags", 4, "int32", kCore, Field::kRflags});
    const char* segments[] = {"cs", "ss", "ds", "es", "fs", "gs"};
    for (unsigned i = 0; i < 6; ++i) all.push_back({segments[i], 4, "int32", kCore, Field::kSegment, i});
    for (int i = 0; i < 8; ++i) all.push_back({"st" + std::to_string(i), 10, "i387_ext", kCore, Field::kZero});
    for (const char* name : {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"})
      all.push_back({name, 4, "int", kCore, Field::kZero});
    for (int i = 0; i < 16; ++i) all.push_back({"xmm" + std::to_string(i), 16, "uint128", kSse, Field::kZero});
    all.push_back({"mxcsr", 4, "int", kSse, Field::kZero});
    all.push_back({"fs_base", 8, "int64", kSegments, Field::kFsBase});
    all.push_back({"gs_base", 8, "int64", kSegments, Field::kGsBase});
    for (auto [name, field] : {std::pair{"cr0", Field::kCr0}, {"cr2", Field::kCr2}, {"cr3", Field::kCr3},
                               {"cr4", Field::kCr4}, {"cr8", Field::kCr8}, {"efer", Field::kEfer}})
      all.push_back({name, 8, "int64", kSystem, field});
    return all;
  }();
  return registers;
}

uint16_t& segment(GuestRegisters& regs, unsigned index) {
  std::array<uint16_t*, 6> segments{&regs.cs, &regs.ss, &regs.ds, &regs.es, &regs.fs, &regs.gs};
  return *segments[index];
}

uint64_t value_of(const GuestRegisters& regs, const RegisterInfo& info) {
  auto& r = const_cast<GuestRegisters&>(regs);
  switch (info.field) {
  case Field::kGpr: return regs.gpr[info.index];
  case Field::kRip: return regs.rip;
  case Field::kRflags: return regs.rflags;
  case Field::kSegment: return segment(r, info.index);
  case Field::kZero: return 0;
  case Field::kFsBase: return regs.fs_base;
  case Field::kGsBase: return regs.gs_base;
  case Field::kCr0: return regs.cr0;
  case Field::kCr2: return regs.cr2;
  case Field::kCr3: return regs.cr3;
  case Field::kCr4: return regs.cr4;
  case Field::kCr8: return regs.cr8;
  case Field::kEfer: return regs.efer;
  }
  return 0;
}

std::string encode(const GuestRegisters& regs, const RegisterInfo& info) {
  std::vector<uint8_t> bytes(info.bytes, 0);
  uint64_t value = value_of(regs, info);
  std::memcpy(bytes.data(), &value, std::min<size_t>(8, info.bytes));  // little-endian, as gdb's x86 targets
  return to_hex(bytes);
}

void store(GuestRegisters& regs, const RegisterInfo& info, std::span<const uint8_t> bytes) {
  uint64_t value = 0;
  std::memcpy(&value, bytes.data(), std::min<size_t>(8, bytes.size()));
  switch (info.field) {
  case Field::kGpr: regs.gpr[info.index] = value; break;
  case Field::kRip: regs.rip = value; break;
  case Field::kRflags: regs.rflags = value; break;
  default: break;  // read-only here (gdb_registers.h)
  }
}

} // namespace

size_t register_count() { return layout().size(); }

std::string target_xml() {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
                    "<architecture>i386:x86-64</architecture>\n";
  const char* open = nullptr;
  size_t number = 0;
  for (const RegisterInfo& info : layout()) {
    if (!open || std::strcmp(open, info.feature) != 0) {
      if (open) xml += "</feature>\n";
      open = info.feature;
      xml += "<feature name=\"" + std::string(open) + "\">\n";
    }
    xml += "  <reg name=\"" + info.name + "\" bitsize=\"" + std::to_string(info.bytes * 8) + "\" type=\"" + info.type +
           "\" regnum=\"" + std::to_string(number++) + "\"/>\n";
  }
  xml += "</feature>\n</target>\n";
  return xml;
}

std::string encode_registers(const GuestRegisters& regs) {
  std::string out;
  for (const RegisterInfo& info : layout()) out += encode(regs, info);
  return out;
}

std::optional<std::string> encode_register(const GuestRegisters& regs, size_t number) {
  if (number >= layout().size()) return std::nullopt;
  return encode(regs, layout()[number]);
}

bool decode_registers(std::string_view hex, GuestRegisters& regs) {
  auto bytes = from_hex(hex);
  if (!bytes) return false;
  std::span<const uint8_t> rest(*bytes);
  GuestRegisters updated = regs;
  for (const RegisterInfo& info : layout()) {
    if (rest.size() < info.bytes) break;  // gdb may send fewer than all
    store(updated, info, rest.first(info.bytes));
    rest = rest.subspan(info.bytes);
  }
  regs = updated;
  return true;
}

bool decode_register(std::string_view hex, size_t number, GuestRegisters& regs) {
  auto bytes = from_hex(hex);
  if (number >= layout().size() || !bytes || bytes->size() != layout()[number].bytes) return false;
  store(regs, layout()[number], *bytes);
  return true;
}

} // namespace slotbox::debug::gdb
