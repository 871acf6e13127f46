// Guest-virtual to guest-physical, by walking the guest's own page tables in guest memory
// the way the MMU does (SDM vol. 3A 4.3-4.5): no paging, 32-bit, PAE, 4- and 5-level.
// Pure: guest-physical memory comes in through a function, so unit tests build page
// tables in a vector, and the debugger and crash reports read guest RAM with it while
// the vCPU is stopped.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace slotbox::debug {

// The control registers that decide how a linear address is translated.
struct PagingMode {
  uint64_t cr0 = 0, cr3 = 0, cr4 = 0, efer = 0;
};

// Fills `out` from guest-physical `gpa`; false where nothing backs it.
using PhysicalRead = std::function<bool(uint64_t gpa, std::span<uint8_t> out)>;
// Fills `out` from guest-virtual `gva`; false where an address is unmapped or unbacked.
using VirtualRead = std::function<bool(uint64_t gva, std::span<uint8_t> out)>;

// The guest-physical address of `gva`, or nothing where it is not mapped.
std::optional<uint64_t> translate(const PagingMode& mode, uint64_t gva, const PhysicalRead& read);

// `out.size()` bytes from `gva`, page by page (the pages need not be contiguous).
bool read_virtual(const PagingMode& mode, uint64_t gva, std::span<uint8_t> out, const PhysicalRead& read);

// A VirtualRead over a fixed paging mode.
VirtualRead virtual_reader(const PagingMode& mode, PhysicalRead read);

} // namespace slotbox::debug
