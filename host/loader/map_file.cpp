#include "host/loader/map_file.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

namespace slotbox::loader {
namespace {

using nlohmann::json;

constexpr uint64_t kPage = 4096;

struct Context {
  const std::string& file;
  Error error(const std::string& where, const std::string& reason) const {
    return Error::bad_input("map " + file, where + ": " + reason);
  }
};

// "0x1000", "4096", "4K", "16M", "1G", or a JSON integer.
Result<uint64_t> number(const Context& context, const json& value, const std::string& where) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer()) return fail(context.error(where, "must not be negative"));
  if (!value.is_string()) return fail(context.error(where, "must be a number or a string like \"0x1000\" or \"16M\""));
  std::string text = value.get<std::string>();
  size_t used = 0;
  uint64_t result = 0;
  try {
    result = std::stoull(text, &used, 0);
  } catch (const std::exception&) {
    return fail(context.error(where, "\"" + text + "\" is not a number"));
  }
  std::string unit = text.substr(used);
  static const std::map<std::string, unsigned> kShifts = {{"", 0}, {"K", 10}, {"M", 20}, {"G", 30}};
  auto shift = kShifts.find(unit);
  if (shift == kShifts.end()) return fail(context.error(where, "unknown unit in \"" + text + "\" (use K, M or G)"));
  if (shift->second && result > (UINT64_MAX >> shift->second)) return fail(context.error(where, "too large"));
  return result << shift->second;
}

Result<std::vector<uint8_t>> file_bytes(const Context& context, const std::string& map_path,
                                        const std::string& file, const std::string& where) {
  // Relative paths are relative to the map file, so a map and its blobs travel together.
  std::filesystem::path path(file);
  if (path.is_relative()) path = std::filesystem::path(map_path).parent_path() / path;
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return fail(context.error(where, "cannot read " + path.string()));
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(stream)), {});
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
                               const std::string& where) {
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
    if (!priority.is_number_integer()) return fail(context.error(where + ".priority", "must be an integer"));
    region.priority = priority.get<int>();
  }
  if (region.type == MapRegionType::kRom) {
    const json* file = SLOTBOX_TRY(required("file"));
    if (!file->is_string()) return fail(context.error(where + ".file", "must be a string"));
    region.contents = SLOTBOX_TRY(file_bytes(context, map_path, file->get<std::string>(), where + ".file"));
    region.size = region.contents.size();
    if (item.contains("size")) region.size = SLOTBOX_TRY(number(context, item.at("size"), where + ".size"));
    if (region.size < region.contents.size())
      return fail(context.error(where + ".size", "is smaller than the file"));
    region.contents.resize(region.size);
  } else {
    region.size = SLOTBOX_TRY(number(context, *SLOTBOX_TRY(required("size")), where + ".size"));
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

Result<MapFile> read_map_file(const std::string& path) {
  Context context{path};
  std::ifstream stream(path);
  if (!stream) return fail(Error::from_errno("map " + path).as(ErrorKind::kBadInput));
  json document = json::parse(stream, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (document.is_discarded()) return fail(context.error("(file)", "not valid JSON"));
  if (!document.is_object() || !document.contains("regions") || !document.at("regions").is_array())
    return fail(context.error("(top level)", "must be an object with a \"regions\" array"));
  MapFile map{path, {}};
  const json& regions = document.at("regions");
  for (size_t i = 0; i < regions.size(); ++i)
    map.regions.push_back(SLOTBOX_TRY(parse_region(context, path, regions[i], "regions[" + std::to_string(i) + "]")));
  return map;
}

} // namespace slotbox::loader
