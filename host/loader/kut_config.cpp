#include "host/loader/kut_config.h"

#include <charconv>

namespace slotbox::loader {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

std::string_view trimmed(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(start, end - start + 1);
}

std::optional<uint64_t> number(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// QEMU's -m: a bare number is MiB; k, m, g, t (either case) scale it.
std::optional<uint64_t> qemu_memory_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t unit = kMiB;
  switch (text.back()) {
  case 'k': case 'K': unit = 1ull << 10; break;
  case 'm': case 'M': unit = kMiB; break;
  case 'g': case 'G': unit = 1ull << 30; break;
  case 't': case 'T': unit = 1ull << 40; break;
  default: break;
  }
  if (text.back() > '9') text.remove_suffix(1);
  auto value = number(text);
  if (!value) return std::nullopt;
  return *value * unit;
}

std::vector<std::string> comma_parts(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
    parts.push_back(text.substr(start, comma - start));
  parts.push_back(text.substr(start));
  return parts;
}

// Applies one `key = value` to the section; an error names what is wrong with it.
std::optional<std::string> apply(KutSection& section, std::string_view key, std::string_view value) {
  auto words = [&](std::vector<std::string>& into) -> std::optional<std::string> {
    auto split = split_words(value);
    if (!split) return split.error().reason;
    into = std::move(*split);
    return std::nullopt;
  };
  if (key == "file") section.file = value;
  else if (key == "smp") {
    auto count = number(value);
    if (!count || *count == 0 || *count > 64) return "smp must be a number from 1 to 64";
    section.smp = static_cast<unsigned>(*count);
  } else if (key == "timeout") {
    // kvm-unit-tests takes timeout(1)'s durations: a number with an optional s/m/h suffix.
    std::string_view digits = value;
    uint64_t scale = 1;
    if (!digits.empty() && (digits.back() == 's' || digits.back() == 'm' || digits.back() == 'h')) {
      scale = digits.back() == 'h' ? 3600 : digits.back() == 'm' ? 60 : 1;
      digits.remove_suffix(1);
    }
    auto seconds = number(digits);
    if (!seconds) return "timeout must be seconds, optionally with s, m or h";
    section.timeout = std::chrono::seconds(*seconds * scale);
  } else if (key == "test_args") return words(section.test_args);
  else if (key == "groups") return words(section.groups);
  else if (key == "arch") section.arch = value;
  else if (key == "accel") section.accel = value;
  else if (key == "check") return words(section.checks);
  else if (key == "qemu_params" || key == "extra_params") return words(section.qemu_params);
  // Keys slotbox has no use for (machine = q35, say) are kept out of the plan by name.
  else if (key != "machine") return "unknown key";
  return std::nullopt;
}

} // namespace

Result<std::vector<std::string>> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'' || c == '"') {
      size_t close = text.find(c, i + 1);
      if (close == std::string_view::npos) return fail(Error::bad_input("words", "an unclosed quote"));
      word += text.substr(i + 1, close - i - 1);
      in_word = true;
      i = close;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<std::vector<KutSection>> parse_kut_config(std::string_view text, const std::string& source) {
  std::vector<KutSection> sections;
  size_t line_number = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trimmed(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    auto bad = [&](const std::string& reason) {
      return fail(Error::bad_input(source, "line " + std::to_string(line_number) + ": " + reason));
    };
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) return bad("a section header is [name]");
      KutSection section;
      section.name = line.substr(1, line.size() - 2);
      sections.push_back(std::move(section));
      continue;
    }
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) return bad("expected key = value");
    if (sections.empty()) return bad("a key before the first [section]");
    std::string key(trimmed(line.substr(0, equals)));
    if (auto problem = apply(sections.back(), key, trimmed(line.substr(equals + 1))))
      return bad(key + ": " + *problem);
  }
  for (const KutSection& section : sections)
    if (section.file.empty()) return fail(Error::bad_input(source, "[" + section.name + "] has no file"));
  return sections;
}

KutPlan plan_kut_section(const KutSection& section,
                         const std::function<std::optional<std::string>(const std::string&)>& read_file) {
  KutPlan plan;
  plan.smp = section.smp;
  plan.append = section.test_args;
  auto skip = [&](std::string reason) {
    plan.skip = std::move(reason);
    return plan;
  };
  plan.skip_upstream = true;
  if (!section.arch.empty() && section.arch != "x86_64") return skip(section.arch + " only");
  if (!section.accel.empty() && section.accel != "kvm") return skip("needs accel " + section.accel);
  for (const std::string& check : section.checks) {
    size_t equals = check.find('=');
    std::string path = check.substr(0, equals), expected = equals == std::string::npos ? "" : check.substr(equals + 1);
    auto actual = read_file(path);
    std::string value = actual ? std::string(trimmed(*actual)) : std::string();
    if (!actual || value != expected) return skip(path + " not equal to " + expected);
  }
  plan.skip_upstream = false;
  const auto& params = section.qemu_params;
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string& option = params[i];
    bool has_value = i + 1 < params.size();
    if (option == "-enable-kvm") {
      continue;  // slotbox is KVM only
    } else if (option == "-m" && has_value) {
      plan.ram = qemu_memory_size(params[++i]);
      if (!plan.ram) return skip("-m " + params[i] + " is not a size");
    } else if (option == "-smp" && has_value) {
      auto count = number(comma_parts(params[++i]).front());
      if (!count || *count == 0 || *count > 64) return skip("-smp " + params[i] + " is not 1 to 64");
      plan.smp = static_cast<unsigned>(*count);
    } else if (option == "-cpu" && has_value) {
      auto parts = comma_parts(params[++i]);
      plan.cpu_model = parts.front();
      plan.cpu_flags.assign(parts.begin() + 1, parts.end());
    } else if ((option == "-machine" || option == "-M") && has_value) {
      for (const std::string& property : comma_parts(params[++i])) {
        if (property == "pit=off") plan.pit = false;
        else if (property != "pc" && property != "accel=kvm")
          return skip("-machine " + property + " has no slotbox equivalent");
      }
    } else if (option == "-device" && has_value && params[i + 1] == "hyperv-testdev") {
      plan.hyperv_testdev = true;
      ++i;
    } else if (option == "-append" && has_value) {
      auto words = split_words(params[++i]);
      if (!words) return skip("-append: " + words.error().reason);
      plan.append.insert(plan.append.end(), words->begin(), words->end());
    } else {
      return skip("QEMU option " + option + (has_value ? " " + params[i + 1] : "") + " has no slotbox equivalent");
    }
  }
  return plan;
}

} // namespace slotbox::loader
