#include "host/cli/image_source.h"

#include "host/loader/embedded_images.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace slotbox::cli {
namespace {

// The first 8 KiB of a file, where a multiboot header must be; empty when unreadable
// (the ROM loader then says why).
std::vector<uint8_t> file_head(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::vector<uint8_t> head(loader::kMultibootSearchLimit);
  file.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(file ? head.size() : static_cast<size_t>(std::max<std::streamsize>(file.gcount(), 0)));
  return head;
}

// A slotbox ROM declares itself with its image header; anything else with a multiboot
// header is a kernel.
bool is_kernel_file(const std::string& path) {
  std::vector<uint8_t> head = file_head(path);
  bool slotbox_rom = head.size() >= sizeof abi::kImageMagic &&
                     std::equal(std::begin(abi::kImageMagic), std::end(abi::kImageMagic), head.begin());
  return !slotbox_rom && loader::MultibootKernel::has_header(head);
}

Result<loader::MultibootOptions> read_kernel_options(const KernelOptions& options) {
  loader::MultibootOptions result{options.append, {}};
  if (options.initrd.empty()) return result;
  struct stat info{};
  if (::stat(options.initrd.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    return fail(Error::bad_input("--initrd " + options.initrd, "not a readable regular file"));
  std::ifstream file(options.initrd, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), {});
  if (!file && !file.eof()) return fail(Error::from_errno("--initrd " + options.initrd).as(ErrorKind::kBadInput));
  result.modules.push_back({options.initrd, std::move(bytes)});
  return result;
}

// The build puts each image's ELF beside its ROM (cmake/GuestImage.cmake); a slotbox
// binary moved elsewhere reports crashes without names.
std::string embedded_debug_elf(const loader::EmbeddedImage& image) {
  return std::string(SLOTBOX_IMAGE_DIR) + "/" + std::string(image.name) + ".elf";
}

std::string rom_debug_elf(const std::string& path) {
  constexpr std::string_view kRom = ".rom";
  bool has_suffix = path.size() > kRom.size() && path.ends_with(kRom);
  return (has_suffix ? path.substr(0, path.size() - kRom.size()) : path) + ".elf";
}

Result<RunImage> kernel_image(const std::string& path, const loader::MultibootOptions& options) {
  auto kernel = SLOTBOX_TRY(loader::MultibootKernel::from_file(path));
  return RunImage{SLOTBOX_TRY(loader::embedded_rom(loader::embedded_images()[0])),
                  std::make_shared<const loader::MultibootKernel>(std::move(kernel)), options, path};
}

Result<RunImage> resolve_image(const std::string& name, const loader::MultibootOptions& options) {
  if (const auto* embedded = loader::find_embedded_image(name))
    return RunImage{SLOTBOX_TRY(loader::embedded_rom(*embedded)), {}, {}, embedded_debug_elf(*embedded)};
  struct stat info{};
  bool looks_like_path = name.find('/') != std::string::npos || name.find('.') != std::string::npos;
  bool exists = ::stat(name.c_str(), &info) == 0;
  if (!exists && !looks_like_path)
    return fail(Error::bad_input("image " + name,
                                 "no embedded image or file of that name (see 'slotbox list')"));
  if (exists && S_ISREG(info.st_mode) && is_kernel_file(name)) return kernel_image(name, options);
  return RunImage{SLOTBOX_TRY(loader::RomImage::from_file(name)), {}, {}, rom_debug_elf(name)};
}

} // namespace

Result<std::vector<RunImage>> resolve_images(const std::vector<std::string>& names, const KernelOptions& kernel_options) {
  std::vector<RunImage> images;
  if (names.empty() && kernel_options.kernels.empty()) {
    for (const auto& embedded : loader::embedded_images())
      images.push_back({SLOTBOX_TRY(loader::embedded_rom(embedded)), {}, {}, embedded_debug_elf(embedded)});
    return images;
  }
  auto options = SLOTBOX_TRY(read_kernel_options(kernel_options));
  for (const auto& name : names) images.push_back(SLOTBOX_TRY(resolve_image(name, options)));
  for (const auto& path : kernel_options.kernels) images.push_back(SLOTBOX_TRY(kernel_image(path, options)));
  bool any_kernel = std::any_of(images.begin(), images.end(), [](const RunImage& image) { return image.kernel != nullptr; });
  if (!any_kernel && (!kernel_options.initrd.empty() || !kernel_options.append.empty()))
    return fail(Error::bad_input(kernel_options.initrd.empty() ? "--append" : "--initrd " + kernel_options.initrd,
                                 "only multiboot kernels take it, and none is named"));
  return images;
}

} // namespace slotbox::cli
