// Turns what the command line names into things to run: a named image's name or a
// ROM file (booted from the reset vector), or a multiboot kernel (--kernel FILE, or a file
// with a multiboot header in its first 8 KiB) loaded into RAM and entered directly.
// All are resolved before anything runs.
#pragma once

#include "host/base/error.h"
#include "host/loader/multiboot.h"
#include "host/loader/rom_image.h"

#include <memory>
#include <string>
#include <vector>

namespace slotbox::cli {

struct KernelOptions {
  std::vector<std::string> kernels;  // --kernel FILE (repeatable)
  std::string initrd;                // --initrd FILE: module 0 of every kernel
  std::string append;                // --append "ARGS": after each kernel's name on its command line
};

struct RunImage {
  // The BIOS mapped under 4 GiB. For a kernel: the first named image, which never runs
  // but keeps the memory map QEMU's.
  loader::RomImage rom;
  std::shared_ptr<const loader::MultibootKernel> kernel;  // null for a ROM
  loader::MultibootOptions kernel_options;
  // The ELF with debug info that crash reports take names from: the named image's
  // beside its ROM in the build, a ROM file's NAME.elf beside it, a kernel itself.
  std::string debug_elf;

  const std::string& name() const { return kernel ? kernel->name() : rom.name(); }
};

// No names and no kernels: every named image, in build order. A name with * ? or [ that
// is not a file is a glob over the named images. Kernels come after the names.
Result<std::vector<RunImage>> resolve_images(const std::vector<std::string>& names, const KernelOptions& kernel_options = {});

} // namespace slotbox::cli
