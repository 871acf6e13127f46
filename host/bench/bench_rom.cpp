#include "host/bench/bench_rom.h"

#include <cstring>
#include <initializer_list>

namespace slotbox::bench {
namespace {

// Where the pieces sit in the ROM (offsets; the ROM's linear address is kBenchRomBase + offset).
constexpr uint32_t kGdtOffset = 0x0F00;
constexpr uint32_t kGdtPointerOffset = 0x0F40;
constexpr uint32_t kUserFrameOffset = 0x0F50;  // popfd, then retf's EIP, CS, ESP, SS
constexpr uint32_t kRealModeOffset = 0x1000;
constexpr uint32_t kProtectedOffset = 0x1040;
constexpr uint32_t kUserOffset = 0x1100;
constexpr uint32_t kResetOffset = 0xFFF0;

// Selectors of the GDT below (SDM Vol. 3A §3.4.5): flat 4 GiB code and data, DPL 0 and 3.
constexpr uint16_t kKernelCode = 0x08, kKernelData = 0x10, kUserCode = 0x18 | 3, kUserData = 0x20 | 3;
// Access bytes with the accessed bit preset: the GDT is in ROM, where the CPU's write of
// that bit would be an MMIO exit that is dropped and retried forever (DESIGN.md §7).
constexpr uint8_t kGdt[] = {
    0, 0, 0, 0, 0, 0, 0, 0,
    0xFF, 0xFF, 0, 0, 0, 0x9B, 0xCF, 0,  // code, DPL 0
    0xFF, 0xFF, 0, 0, 0, 0x93, 0xCF, 0,  // data, DPL 0
    0xFF, 0xFF, 0, 0, 0, 0xFB, 0xCF, 0,  // code, DPL 3
    0xFF, 0xFF, 0, 0, 0, 0xF3, 0xCF, 0,  // data, DPL 3
};
constexpr uint32_t kUserEflags = 0x3002;  // IOPL 3 (port I/O at CPL3), interrupts off

class Assembler {
public:
  explicit Assembler(std::vector<uint8_t>& rom, uint32_t offset) : m_rom(rom), m_at(offset) {}
  Assembler& bytes(std::initializer_list<uint8_t> values) {
    for (uint8_t value : values) m_rom[m_at++] = value;
    return *this;
  }
  Assembler& u16(uint16_t value) { return raw(&value, 2); }
  Assembler& u32(uint32_t value) { return raw(&value, 4); }
  uint32_t here() const { return m_at; }
  // jnz back to `target` (rel8).
  Assembler& jnz_back(uint32_t target) {
    return bytes({0x75, static_cast<uint8_t>(static_cast<int8_t>(target - (m_at + 2)))});
  }

private:
  Assembler& raw(const void* value, size_t size) {
    std::memcpy(&m_rom[m_at], value, size);
    m_at += static_cast<uint32_t>(size);
    return *this;
  }
  std::vector<uint8_t>& m_rom;
  uint32_t m_at;
};

void exit_with_zero(Assembler& code) {
  code.bytes({0xB0, 0x00, 0xE6, 0xF4});  // mov al, 0; out 0xF4, al
  code.bytes({0xF4, 0xEB, 0xFD});        // hlt; jmp to the hlt (never reached)
}

// 16-bit real mode: CS base 0xFFFF0000 from reset, so cs: addresses the ROM.
void real_mode_loop(std::vector<uint8_t>& rom, const BenchRomSpec& spec) {
  Assembler code(rom, kRealModeOffset);
  code.bytes({0x66, 0xB9}).u32(spec.count);          // mov ecx, count
  code.bytes({0xBA}).u16(kBenchLoopPort);            // mov dx, port
  uint32_t loop = code.here();
  if (spec.guest == BenchGuest::kPortLoop)
    code.bytes({0xEE});                              // out dx, al
  else
    code.bytes({0x2E, 0xA2}).u16(static_cast<uint16_t>(kBenchMmioAddress - kBenchRomBase));  // mov cs:[..], al
  code.bytes({0x66, 0x49});                          // dec ecx
  code.jnz_back(loop);
  exit_with_zero(code);
}

// Real mode -> 32-bit protected mode (no paging) -> CPL3 through popfd + retf from a
// frame in ROM: only reads, so the floor needs no RAM for it.
void enter_user_mode(std::vector<uint8_t>& rom) {
  std::memcpy(&rom[kGdtOffset], kGdt, sizeof kGdt);
  uint16_t limit = sizeof kGdt - 1;
  uint32_t gdt_base = static_cast<uint32_t>(kBenchRomBase + kGdtOffset);
  std::memcpy(&rom[kGdtPointerOffset], &limit, 2);
  std::memcpy(&rom[kGdtPointerOffset + 2], &gdt_base, 4);
  uint32_t frame[] = {kUserEflags, static_cast<uint32_t>(kBenchRomBase + kUserOffset), kUserCode, 0, kUserData};
  std::memcpy(&rom[kUserFrameOffset], frame, sizeof frame);

  Assembler real(rom, kRealModeOffset);
  real.bytes({0x66, 0x2E, 0x0F, 0x01, 0x16}).u16(kGdtPointerOffset);  // o32 lgdt cs:[pointer]
  real.bytes({0x0F, 0x20, 0xC0, 0x66, 0x83, 0xC8, 0x01, 0x0F, 0x22, 0xC0});  // CR0.PE = 1
  real.bytes({0x66, 0xEA}).u32(static_cast<uint32_t>(kBenchRomBase + kProtectedOffset)).u16(kKernelCode);

  Assembler kernel(rom, kProtectedOffset);
  kernel.bytes({0x66, 0xB8}).u16(kKernelData);  // mov ax, kernel data
  kernel.bytes({0x8E, 0xD0, 0x8E, 0xD8});        // mov ss, ax; mov ds, ax
  kernel.bytes({0xBC}).u32(static_cast<uint32_t>(kBenchRomBase + kUserFrameOffset));  // mov esp, frame
  kernel.bytes({0x9D, 0xCB});                    // popfd; retf (to CPL3)
}

void user_mode_loop(std::vector<uint8_t>& rom, const BenchRomSpec& spec) {
  Assembler code(rom, kUserOffset);
  code.bytes({0x66, 0xB8}).u16(kUserData).bytes({0x8E, 0xD8});  // mov ds, user data
  if (spec.guest == BenchGuest::kTouchPages) {
    code.bytes({0xBF}).u32(kTouchStart);          // mov edi, start
    code.bytes({0xB9}).u32(spec.count);           // mov ecx, pages
    uint32_t loop = code.here();
    code.bytes({0x88, 0x07});                     // mov [edi], al
    code.bytes({0x81, 0xC7}).u32(4096);           // add edi, 4096
    code.bytes({0x49});                           // dec ecx
    code.jnz_back(loop);
  } else {
    code.bytes({0xB9}).u32(spec.count);           // mov ecx, count
    code.bytes({0xBA}).u32(kBenchLoopPort);       // mov edx, port
    uint32_t loop = code.here();
    if (spec.guest == BenchGuest::kPortLoop)
      code.bytes({0xEE});                         // out dx, al
    else
      code.bytes({0xA2}).u32(kBenchMmioAddress);  // mov [address], al
    code.bytes({0x49});                           // dec ecx
    code.jnz_back(loop);
  }
  code.bytes({0xB0, 0x00, 0xE6, 0xF4, 0xEB, 0xFE});  // mov al, 0; out 0xF4, al; jmp $
}

} // namespace

std::vector<uint8_t> bench_rom(const BenchRomSpec& spec) {
  std::vector<uint8_t> rom(kBenchRomSize, 0);
  Assembler reset(rom, kResetOffset);
  if (spec.guest == BenchGuest::kExitAtOnce) {
    exit_with_zero(reset);
    return rom;
  }
  reset.bytes({0xE9}).u16(static_cast<uint16_t>(kRealModeOffset - (kResetOffset + 3)));  // jmp near
  bool user = spec.privilege == Privilege::kCpl3 || spec.guest == BenchGuest::kTouchPages;
  if (!user) {
    real_mode_loop(rom, spec);
    return rom;
  }
  enter_user_mode(rom);
  user_mode_loop(rom, spec);
  return rom;
}

} // namespace slotbox::bench
