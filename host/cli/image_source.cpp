#include "host/cli/image_source.h"

#include "host/loader/named_images.h"

#include "host/loader/input_file.h"

#include <algorithm>
#include <cerrno>
#include <fnmatch.h>
#include <sys/stat.h>
#include <iterator>

namespace slotbox::cli {
namespace {

// A slotbox ROM declares itself with its image header; anything else with a multiboot
// header in its first 8 KiB is a kernel.
bool is_kernel(std::span<const uint8_t> head) {
  bool slotbox_rom = head.size() >= sizeof abi::kImageMagic &&
                     std::equal(std::begin(abi::kImageMagic), std::end(abi::kImageMagic), head.begin());
  return !slotbox_rom && loader::MultibootKernel::has_header(head);
}

Result<loader::MultibootOptions> read_kernel_options(const KernelOptions& options) {
  loader::MultibootOptions result{options.append, {}};
  if (options.initrd.empty()) return result;
  auto bytes = SLOTBOX_TRY(loader::read_input_file("--initrd " + options.initrd, options.initrd, loader::kMaxModuleSize));
  result.modules.push_back({options.initrd, std::move(bytes)});
  return result;
}

// A named image: its ROM, and its ELF beside it for crash reports (cmake/GuestImage.cmake).
Result<RunImage> named_image(const loader::NamedImage& image) {
  return RunImage{SLOTBOX_TRY(loader::named_rom(image)), {}, {}, image.elf_path};
}

std::string rom_debug_elf(const std::string& path) {
  constexpr std::string_view kRom = ".rom";
  bool has_suffix = path.size() > kRom.size() && path.ends_with(kRom);
  return (has_suffix ? path.substr(0, path.size() - kRom.size()) : path) + ".elf";
}

// A kernel is its own ELF.
Result<RunImage> kernel_image(loader::MultibootKernel kernel, const loader::MultibootOptions& options) {
  std::string path = kernel.name();
  auto named = SLOTBOX_TRY(loader::named_images());
  if (named.empty()) return fail(Error::bad_input("images", "the image index names no image (no BIOS to run a kernel)"));
  return RunImage{SLOTBOX_TRY(loader::named_rom(named[0])),
                  std::make_shared<const loader::MultibootKernel>(std::move(kernel)), options, path};
}

// A file named on the command line is opened once: its head tells a kernel from a ROM,
// then it is read whole under that format's cap.
Result<RunImage> resolve_image(const std::string& name, const loader::MultibootOptions& options) {
  // A ROM file runs without the images folder; a name needs it, and says so when it is missing.
  auto named = loader::find_named_image(name);
  if (named && *named) return named_image(**named);
  auto file = loader::InputFile::open("image " + name, name);
  bool looks_like_path = name.find('/') != std::string::npos || name.find('.') != std::string::npos;
  if (!file && file.error().code == ENOENT && !looks_like_path) {
    if (!named) return fail(std::move(named.error()));
    return fail(Error::bad_input("image " + name,
                                 "no image or file of that name (see 'slotbox list')"));
  }
  if (!file) return fail(std::move(file.error()));
  if (is_kernel(SLOTBOX_TRY(file->head(loader::kMultibootSearchLimit))))
    return kernel_image(SLOTBOX_TRY(loader::MultibootKernel::from_bytes(
                            name, SLOTBOX_TRY(file->read_all(loader::kMaxKernelSize)))),
                        options);
  auto contents = SLOTBOX_TRY(file->read_all(loader::RomImage::kMaxElfSize));
  return RunImage{SLOTBOX_TRY(loader::RomImage::from_file_contents(name, std::move(contents))), {}, {},
                  rom_debug_elf(name)};
}

bool is_glob(const std::string& name) { return name.find_first_of("*?[") != std::string::npos; }

// `faults/*`: every named image the pattern matches, in build order (`*` spans `/`).
Result<std::vector<RunImage>> matching_images(const std::string& pattern) {
  std::vector<RunImage> images;
  for (const auto& named : SLOTBOX_TRY(loader::named_images()))
    if (fnmatch(pattern.c_str(), named.name.c_str(), 0) == 0) images.push_back(SLOTBOX_TRY(named_image(named)));
  if (images.empty())
    return fail(Error::bad_input("image " + pattern, "no image matches (see 'slotbox list')"));
  return images;
}

} // namespace

Result<std::vector<RunImage>> resolve_images(const std::vector<std::string>& names, const KernelOptions& kernel_options) {
  std::vector<RunImage> images;
  if (names.empty() && kernel_options.kernels.empty()) {
    for (const auto& named : SLOTBOX_TRY(loader::named_images())) images.push_back(SLOTBOX_TRY(named_image(named)));
    return images;
  }
  auto options = SLOTBOX_TRY(read_kernel_options(kernel_options));
  for (const auto& name : names) {
    struct stat info{};
    if (is_glob(name) && ::stat(name.c_str(), &info) != 0) {  // a file may have any name
      for (auto& image : SLOTBOX_TRY(matching_images(name))) images.push_back(std::move(image));
      continue;
    }
    images.push_back(SLOTBOX_TRY(resolve_image(name, options)));
  }
  for (const auto& path : kernel_options.kernels)
    images.push_back(SLOTBOX_TRY(kernel_image(SLOTBOX_TRY(loader::MultibootKernel::from_file(path)), options)));
  bool any_kernel = std::any_of(images.begin(), images.end(), [](const RunImage& image) { return image.kernel != nullptr; });
  if (!any_kernel && (!kernel_options.initrd.empty() || !kernel_options.append.empty()))
    return fail(Error::bad_input(kernel_options.initrd.empty() ? "--append" : "--initrd " + kernel_options.initrd,
                                 "only multiboot kernels take it, and none is named"));
  return images;
}

} // namespace slotbox::cli
