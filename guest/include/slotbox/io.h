// Port I/O and MMIO accessors. Port I/O works from the checks at CPL3 (IOPL 3 and an
// all-open I/O bitmap). Port writes clobber memory: a write may hand the host a buffer
// (host assist) that must be in memory before, and is read again after.
#pragma once

#include <stdint.h>

namespace slotbox::guest {

inline void outb(uint16_t port, uint8_t value) { asm volatile("outb %0, %1" ::"a"(value), "Nd"(port) : "memory"); }
inline void outw(uint16_t port, uint16_t value) { asm volatile("outw %0, %1" ::"a"(value), "Nd"(port) : "memory"); }
inline void outl(uint16_t port, uint32_t value) { asm volatile("outl %0, %1" ::"a"(value), "Nd"(port) : "memory"); }
inline uint8_t inb(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
inline uint16_t inw(uint16_t port) {
  uint16_t value;
  asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
inline uint32_t inl(uint16_t port) {
  uint32_t value;
  asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

// Volatile accesses of an exact width at a guest-physical address (identity-mapped).
template <typename T>
inline T mmio_read(uint64_t address) {
  return *reinterpret_cast<volatile T*>(address);
}
template <typename T>
inline void mmio_write(uint64_t address, T value) {
  *reinterpret_cast<volatile T*>(address) = value;
}

} // namespace slotbox::guest
