// `--map FILE`: extra regions for the machine, from JSON, for experiments.
//
//   {"regions": [
//     {"name": "scratch", "type": "ram",   "address": "0xd0000000", "size": "16M"},
//     {"name": "blob",    "type": "rom",   "address": "0xd1000000", "file": "blob.bin"},
//     {"name": "window",  "type": "alias", "address": "0xd2000000", "size": "1M",
//      "target": "pc.ram", "offset": "0x100000", "readonly": true},
//     {"name": "probe",   "type": "mmio",  "address": "0xd3000000", "size": "4K", "priority": 1}]}
//
// Numbers are JSON integers or strings: "0x...", decimal, or sizes with K/M/G. Parsing
// checks the file's shape; placing the regions (machine/) checks what needs the machine.
#pragma once

#include "host/base/error.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <expected>
#include <vector>

namespace slotbox::loader {

enum class MapRegionType { kRam, kRom, kAlias, kMmio };

struct MapRegion {
  std::string path;  // JSON path for messages: "regions[2]"
  std::string name;
  MapRegionType type;
  uint64_t address = 0;
  uint64_t size = 0;
  int priority = 0;
  std::vector<uint8_t> contents;  // rom: the file's bytes, at most `size`; the rest reads as zeros
  std::string target;             // alias
  uint64_t offset = 0;            // alias
  bool readonly = false;          // alias
};

struct MapFile {
  std::string path;
  std::vector<MapRegion> regions;
};

Result<MapFile> read_map_file(const std::string& path);

// The bytes of a `rom` region's file, given its path (relative ones already joined to the
// map's folder); read_map_file reads the file system, capped like every input file.
using MapBlobReader = std::function<Result<std::vector<uint8_t>>(const std::string& path)>;
// A map file's text, already read: what read_map_file does after reading, so the parser
// can be driven without files (tests/fuzz). `path` names the map in messages and is where
// relative `file` paths start.
Result<MapFile> parse_map_file(const std::string& path, std::span<const uint8_t> text, const MapBlobReader& read_blob);

// A number written as a string in a map: "4096", "0x1000", "16M". The error is the reason.
std::expected<uint64_t, std::string> parse_map_number(std::string_view text);

} // namespace slotbox::loader
