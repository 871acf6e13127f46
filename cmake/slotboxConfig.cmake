# find_package(slotbox): the installed guest runtime, and slotbox_add_image() to build ROM
# images with it in any folder:
#
#   cmake_minimum_required(VERSION 3.25)
#   project(mine LANGUAGES CXX)
#   find_package(slotbox REQUIRED)
#   slotbox_add_image(mine mine.cpp)      # -> build/images/mine.rom, build/images/elf/mine.elf
#
# Images are compiled by the project's g++ with the runtime's freestanding flags; an image
# with .asm sources needs ASM_NASM among the project's languages.
get_filename_component(_slotbox_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

set(SLOTBOX_GUEST_LINK "$<LINK_LIBRARY:WHOLE_ARCHIVE,slotbox::guest>")
set(SLOTBOX_LINKER_SCRIPT ${_slotbox_prefix}/share/slotbox/rom.ld)
include(${CMAKE_CURRENT_LIST_DIR}/GuestImage.cmake)

if(NOT TARGET slotbox::guest)
  add_library(slotbox::guest STATIC IMPORTED)
  set_target_properties(slotbox::guest PROPERTIES
    IMPORTED_LOCATION ${_slotbox_prefix}/lib/slotbox/libslotbox_guest.a
    INTERFACE_INCLUDE_DIRECTORIES ${_slotbox_prefix}/include
    INTERFACE_COMPILE_OPTIONS
      "$<$<COMPILE_LANGUAGE:CXX>:${SLOTBOX_GUEST_CXX_FLAGS}>;$<$<COMPILE_LANGUAGE:ASM_NASM>:-I${_slotbox_prefix}/share/slotbox/boot/>")
endif()
if(NOT CMAKE_OBJCOPY)
  find_program(CMAKE_OBJCOPY objcopy REQUIRED)
endif()
