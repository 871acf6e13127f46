#include "host/loader/map_file.h"

#include <nlohmann/json.hpp>

#include "host/base/format.h"
#include "host/loader/input_file.h"

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <map>

namespace slotbox::loader {
namespace {

using nlohmann::json;

constexpr uint64_t kPage = 4096;
// Caps on what a map may make slotbox read and allocate (README "Bad input").
constexpr uint64_t kMaxMapFileSize = 1ull << 20;
constexpr uint64_t kMaxRomSize = 16ull << 20;   // as a BIOS image
constexpr uint64_t kMaxRamSize = 64ull << 30;   // as --ram
constexpr int64_t kMinPriority = INT32_MIN, kMaxPriority = INT32_MAX;

struct Context {
  const std::string& file;
  Error error(const std::string& where, const std::string& reason) const {
    return Error::bad_input("map " + file, where + ": " + reason);
  }
};

Result<uint64_t> number(const Context& context, const json& value, const std::string& where) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer()) return fail(context.error(where, "must not be negative"));
  if (!value.is_string()) return fail(context.error(where, "must be a number or a string like \"0x1000\" or \"16M\""));
  auto parsed = parse_map_number(value.get<std::string>());
  if (!parsed) return fail(context.error(where, parsed.error()));
  return *parsed;
}

Result<std::vector<uint8_t>> file_bytes(const Context& context, const std::string& map_path,
                                        const std::string& file, const std::string& where,
                                        const MapBlobReader& read_blob) {
  // Relative paths are relative to the map file, so a map and its blobs travel together.
  std::filesystem::path path(file);
  if (path.is_relative()) path = std::filesystem::path(map_path).parent_path() / path;
  auto bytes = read_blob(path.string());
  if (!bytes) return fail(context.error(where, bytes.error().message()));
  return std::move(*bytes);
}

Result<MapRegionType> region_type(const Context& context, const json& value, const std::string& where) {
  static const std::map<std::string, MapRegionType> kTypes = {
      {"ram", MapRegionType::kRam}, {"rom", MapRegionType::kRom},
      {"alias", MapRegionType::kAlias}, {"mmio", MapRegionType::kMmio}};
  if (!value.is_string() || !kTypes.contains(value.get<std::string>()))
    return fail(context.error(where, "must be one of \"ram\", \"rom\", \"alias\", \"mmio\""));
  return kTypes.at(value.get<std::string>());
}

Result<MapRegion> parse_region(const Context& context, const std::string& map_path, const json& item,
                               const std::string& where, const MapBlobReader& read_blob) {
  if (!item.is_object()) return fail(context.error(where, "must be an object"));
  auto required = [&](const char* key) -> Result<const json*> {
    if (!item.contains(key)) return fail(context.error(where, std::string("\"") + key + "\" is missing"));
    return &item.at(key);
  };
  MapRegion region;
  region.path = where;
  const json* name = SLOTBOX_TRY(required("name"));
  if (!name->is_string() || name->get<std::string>().empty())
    return fail(context.error(where + ".name", "must be a non-empty string"));
  region.name = name->get<std::string>();
  region.type = SLOTBOX_TRY(region_type(context, *SLOTBOX_TRY(required("type")), where + ".type"));
  region.address = SLOTBOX_TRY(number(context, *SLOTBOX_TRY(required("address")), where + ".address"));
  if (item.contains("priority")) {
    const json& priority = item.at("priority");
    if (!priority.is_number_integer() || priority.get<int64_t>() < kMinPriority ||
        priority.get<int64_t>() > kMaxPriority || (priority.is_number_unsigned() && priority.get<uint64_t>() > kMaxPriority))
      return fail(context.error(where + ".priority", "must be an integer from " + std::to_string(kMinPriority) +
                                                         " to " + std::to_string(kMaxPriority)));
    region.priority = static_cast<int>(priority.get<int64_t>());
  }
  if (region.type == MapRegionType::kRom) {
    const json* file = SLOTBOX_TRY(required("file"));
    if (!file->is_string()) return fail(context.error(where + ".file", "must be a string"));
    region.contents = SLOTBOX_TRY(file_bytes(context, map_path, file->get<std::string>(), where + ".file", read_blob));
    region.size = region.contents.size();
    if (item.contains("size")) region.size = SLOTBOX_TRY(number(context, item.at("size"), where + ".size"));
    if (region.size < region.contents.size())
      return fail(context.error(where + ".size", "is smaller than the file"));
    if (region.size > kMaxRomSize)
      return fail(context.error(where + ".size", "is larger than " + describe_size(kMaxRomSize)));
    // The rest of `size` is zeros that the region's fresh anonymous mapping already holds:
    // spelled out here they cost up to 16 MiB of host memory per region, whatever the file.
  } else {
    region.size = SLOTBOX_TRY(number(context, *SLOTBOX_TRY(required("size")), where + ".size"));
    if (region.type == MapRegionType::kRam && region.size > kMaxRamSize)
      return fail(context.error(where + ".size", "is larger than " + describe_size(kMaxRamSize)));
  }
  if (region.size == 0) return fail(context.error(where + ".size", "must not be zero"));
  if (region.address + region.size < region.address) return fail(context.error(where, "wraps around the address space"));
  bool slot_backed = region.type == MapRegionType::kRam || region.type == MapRegionType::kRom;
  if (slot_backed && (region.address % kPage || region.size % kPage))
    return fail(context.error(where, "RAM and ROM must start and end on a 4 KiB page"));
  if (region.type == MapRegionType::kAlias) {
    const json* target = SLOTBOX_TRY(required("target"));
    if (!target->is_string()) return fail(context.error(where + ".target", "must be a region name"));
    region.target = target->get<std::string>();
    if (item.contains("offset")) region.offset = SLOTBOX_TRY(number(context, item.at("offset"), where + ".offset"));
    if (item.contains("readonly")) {
      if (!item.at("readonly").is_boolean()) return fail(context.error(where + ".readonly", "must be true or false"));
      region.readonly = item.at("readonly").get<bool>();
    }
  }
  return region;
}

} // namespace

// Decimal or 0x-hex digits, then an optional K, M or G. No sign, no octal (a leading 0 is
// just a zero), no spaces: what a reader of the map sees is what slotbox uses.
std::expected<uint64_t, std::string> parse_map_number(std::string_view text) {
  auto bad = [&](const std::string& reason) { return std::unexpected("\"" + std::string(text) + "\" " + reason); };
  unsigned base = 10;
  std::string_view digits = text;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    base = 16;
    digits.remove_prefix(2);
  }
  uint64_t value = 0;
  size_t used = 0;
  for (; used < digits.size(); ++used) {
    char c = digits[used];
    unsigned digit;
    if (c >= '0' && c <= '9') digit = unsigned(c - '0');
    else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c))) digit = unsigned(std::tolower(c) - 'a' + 10);
    else break;
    if (value > (UINT64_MAX - digit) / base) return bad("is too large");
    value = value * base + digit;
  }
  if (used == 0) return bad("is not a number (use 4096, 0x1000 or 16M)");
  std::string_view unit = digits.substr(used);
  static const std::map<std::string_view, unsigned> kShifts = {{"", 0}, {"K", 10}, {"M", 20}, {"G", 30}};
  auto shift = kShifts.find(unit);
  if (shift == kShifts.end()) return bad("has an unknown unit (use K, M or G)");
  if (shift->second && value > (UINT64_MAX >> shift->second)) return bad("is too large");
  return value << shift->second;
}

Result<MapFile> read_map_file(const std::string& path) {
  std::vector<uint8_t> text = SLOTBOX_TRY(read_input_file("map " + path, path, kMaxMapFileSize));
  return parse_map_file(path, text, [](const std::string& blob) {
    return read_input_file(blob, blob, kMaxRomSize);
  });
}

Result<MapFile> parse_map_file(const std::string& path, std::span<const uint8_t> text, const MapBlobReader& read_blob) {
  Context context{path};
  json document = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (document.is_discarded()) return fail(context.error("(file)", "not valid JSON"));
  if (!document.is_object() || !document.contains("regions") || !document.at("regions").is_array())
    return fail(context.error("(top level)", "must be an object with a \"regions\" array"));
  MapFile map{path, {}};
  const json& regions = document.at("regions");
  uint64_t memory = 0;  // RAM and ROM the map allocates on the host
  for (size_t i = 0; i < regions.size(); ++i) {
    std::string where = "regions[" + std::to_string(i) + "]";
    MapRegion region = SLOTBOX_TRY(parse_region(context, path, regions[i], where, read_blob));
    if (region.type == MapRegionType::kRam || region.type == MapRegionType::kRom) memory += region.size;
    if (memory > kMaxRamSize)
      return fail(context.error(where, "the map's RAM and ROM add up to more than " + describe_size(kMaxRamSize)));
    map.regions.push_back(std::move(region));
  }
  return map;
}

} // namespace slotbox::loader
