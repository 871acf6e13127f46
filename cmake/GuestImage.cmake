# Building guest ROM images. The guest is compiled by the same g++ as the host but
# freestanding: no libc, no exceptions, no red zone (traps push onto the interrupted
# stack) and no SSE registers (the kernel never enables them).
set(SLOTBOX_GUEST_CXX_FLAGS
  -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit
  -fno-asynchronous-unwind-tables -fno-stack-protector -fno-pie -mno-red-zone
  # frame pointers, so the host can walk a crashed guest's stack (crash reports)
  -fno-omit-frame-pointer
  -mgeneral-regs-only -mcmodel=small
  # keeps g++ from turning the loops in memcpy() & co. into calls to themselves
  -fno-tree-loop-distribute-patterns
  # a null pointer is dereferenced as written, so it faults on the unmapped page 0
  # instead of being assumed away (as in the Linux kernel)
  -fno-delete-null-pointer-checks
  # large frames touch every page on the way down, so an overflow hits the stack's guard
  # page instead of jumping over it
  -fstack-clash-protection
  # no sanitizer runtime exists in the guest: this undoes a -fsanitize=... that comes
  # with CMAKE_CXX_FLAGS (it precedes these on the command line), which would otherwise
  # call into libasan/libubsan and break the image's link
  -fno-sanitize=all
  -Wall -Wextra -Werror)
set(SLOTBOX_DEFAULT_ROM_SIZE 0x40000)  # 256 KiB, like SeaBIOS's bios-256k.bin

# What an image links with and how, set by whoever includes this file: in this tree the
# runtime's object library and linker/rom.ld; in an installed package (slotboxConfig.cmake)
# the static library, whole (the boot code is reached from the reset vector, not from the
# image), and the installed rom.ld.
if(NOT DEFINED SLOTBOX_GUEST_LINK)
  set(SLOTBOX_GUEST_LINK slotbox_guest_runtime)
endif()
if(NOT DEFINED SLOTBOX_LINKER_SCRIPT)
  set(SLOTBOX_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/../linker/rom.ld)
endif()

# slotbox_add_image(NAME SOURCES... [ROM_SIZE bytes])
# Builds ${CMAKE_BINARY_DIR}/images/NAME.rom from the image's sources, the guest runtime
# and the boot stub, makes target image_NAME (slashes become underscores) and registers
# the image for the index slotbox finds it by (host/loader/CMakeLists.txt). NAME may hold
# a slash: faults/spin.
function(slotbox_add_image name)
  cmake_parse_arguments(PARSE_ARGV 1 image "" "ROM_SIZE" "")
  if(NOT image_ROM_SIZE)
    set(image_ROM_SIZE ${SLOTBOX_DEFAULT_ROM_SIZE})
  endif()
  string(REPLACE "/" "_" target_suffix "${name}")
  set(elf_target image_${target_suffix}_elf)
  set(rom ${CMAKE_BINARY_DIR}/images/${name}.rom)

  add_executable(${elf_target} ${image_UNPARSED_ARGUMENTS})
  # The runtime's PUBLIC options give C++ sources the freestanding flags; .asm sources
  # of an image are assembled by NASM as they are.
  target_link_libraries(${elf_target} PRIVATE ${SLOTBOX_GUEST_LINK})
  set_target_properties(${elf_target} PROPERTIES CXX_STANDARD 23 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  target_link_options(${elf_target} PRIVATE
    -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
    -Wl,--defsym=ROM_SIZE=${image_ROM_SIZE} -T ${SLOTBOX_LINKER_SCRIPT})
  set_target_properties(${elf_target} PROPERTIES
    OUTPUT_NAME ${target_suffix}.elf
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/images/elf
    LINK_DEPENDS ${SLOTBOX_LINKER_SCRIPT})

  add_custom_command(OUTPUT ${rom}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/images
    COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${elf_target}> ${rom}
    # the ELF with its debug info beside the ROM (NAME.elf), for symbolized crash reports
    COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${elf_target}> ${CMAKE_BINARY_DIR}/images/${name}.elf
    DEPENDS ${elf_target}
    COMMENT "ROM image ${name}")
  add_custom_target(image_${target_suffix} ALL DEPENDS ${rom})

  set_property(GLOBAL APPEND PROPERTY SLOTBOX_IMAGE_NAMES ${name})
  set_property(GLOBAL APPEND PROPERTY SLOTBOX_IMAGE_ROMS ${rom})
  set_property(GLOBAL APPEND PROPERTY SLOTBOX_IMAGE_TARGETS image_${target_suffix})
endfunction()
