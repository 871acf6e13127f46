// A sub-command whose options are built only when the command line names it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <utility>

namespace slotbox::cli {

// CLI11 calls a sub-command's pre-parse callback as it enters the sub-command, before it
// parses the sub-command's arguments (`--help` among them), so options added there work
// as if added up front. Building CLI11's options is most of what slotbox does before it
// opens /dev/kvm (callgrind: ~10,000 instructions an option), and a command line names at
// most one sub-command: the others' options are never built.
template <typename AddOptions>
CLI::App* add_subcommand(CLI::App& app, std::string name, std::string description, AddOptions add_options) {
  CLI::App* subcommand = app.add_subcommand(std::move(name), std::move(description));
  subcommand->preparse_callback([subcommand, add_options = std::move(add_options)](std::size_t) {
    add_options(*subcommand);
  });
  return subcommand;
}

} // namespace slotbox::cli
