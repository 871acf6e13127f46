// The contract between a slotbox guest image and the host. Included by both the
// freestanding guest runtime and the host, so it uses nothing but <stdint.h>.
#pragma once

#include <stdint.h>

namespace slotbox::abi {

// Port I/O devices. Chosen so the same ROM also runs under `qemu-system-x86_64 -M pc
// -nodefaults -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4`.
inline constexpr uint16_t kSerialPort = 0x3F8;           // COM1: THR write = one console byte
inline constexpr uint16_t kSerialLineStatusPort = 0x3FD; // COM1 LSR
inline constexpr uint8_t kLineStatusTransmitterEmpty = 0x60; // THRE | TEMT
inline constexpr uint16_t kExitPort = 0xF4;              // write v: the run ends with status v
inline constexpr uint16_t kCmosIndexPort = 0x70;
inline constexpr uint16_t kCmosDataPort = 0x71;

// slotbox-only devices; absent under QEMU.
inline constexpr uint16_t kHostAssistPort = 0x1000;
inline constexpr uint32_t kHostAssistMagic = 0x58424C53; // "SLBX" read as a little-endian dword
inline constexpr uint64_t kTestDeviceBase = 0xFEB00000;

// The test device's registers (offsets from kTestDeviceBase). Every access is one MMIO
// exit; the counters count the accesses to the id and scratch registers.
namespace test_device {
inline constexpr uint64_t kSize = 0x1000;
inline constexpr uint64_t kId = 0x00;        // 4 bytes, read-only
inline constexpr uint64_t kScratch = 0x08;   // 8 bytes, any width at any offset inside
inline constexpr uint64_t kReads = 0x10;     // 8 bytes, read-only
inline constexpr uint64_t kWrites = 0x18;    // 8 bytes, read-only
inline constexpr uint32_t kIdValue = 0x44544253;  // "SBTD"
} // namespace test_device

// CMOS memory-size registers, as QEMU's pc machine sets them (hw/i386/pc.c).
namespace cmos {
inline constexpr uint8_t kBaseMemoryLow = 0x15;   // KiB below 640 KiB (always 640)
inline constexpr uint8_t kBaseMemoryHigh = 0x16;
inline constexpr uint8_t kExtendedMemoryLow = 0x17;  // KiB from 1 MiB to 64 MiB, capped at 65535
inline constexpr uint8_t kExtendedMemoryHigh = 0x18;
inline constexpr uint8_t kExtendedMemoryLow2 = 0x30; // copy of 0x17/0x18
inline constexpr uint8_t kExtendedMemoryHigh2 = 0x31;
inline constexpr uint8_t kMemoryAbove16mLow = 0x34;  // 64 KiB units from 16 MiB to low end
inline constexpr uint8_t kMemoryAbove16mHigh = 0x35;
inline constexpr uint8_t kMemoryAbove4gLow = 0x5B;   // 64 KiB units above 4 GiB, 3 bytes
inline constexpr uint8_t kMemoryAbove4gMid = 0x5C;
inline constexpr uint8_t kMemoryAbove4gHigh = 0x5D;
inline constexpr uint8_t kCpuCountMinusOne = 0x5F;   // vCPUs - 1, as pc_cmos_init sets it
} // namespace cmos

// Every slotbox image starts with this header at ROM offset 0. It declares how a run of
// the image is expected to end, so negative images (faults/...) can pass when they crash
// exactly as declared. A ROM without it is expected to exit through kExitPort with 0.
enum class ExpectedEnd : uint32_t {
  kGuestExit = 0,      // writes expected_status to kExitPort
  kTimeout = 1,        // never ends; the host stops it after limit_ms
  kTripleFault = 2,    // KVM_EXIT_SHUTDOWN
  kInternalError = 3,  // KVM_EXIT_INTERNAL_ERROR (e.g. emulation failure)
  kMmioFetch = 4,      // fetches an instruction from an address with no memory behind it
  kCrash = 5,          // an unexpected exception; expected_status is its vector
};

inline constexpr char kImageMagic[8] = {'S', 'L', 'O', 'T', 'B', 'O', 'X', '\0'};
inline constexpr uint32_t kImageAbiVersion = 1;

struct ImageHeader {
  char magic[8];
  uint32_t abi_version;
  ExpectedEnd expected_end;
  uint32_t expected_status; // for kGuestExit
  uint32_t limit_ms;        // 0: the host's --timeout applies
  uint32_t flags;           // kImageRunsAlone
  uint32_t reserved;
};
// The image measures time (cycles per page, say): `--jobs` runs it with no other image
// beside it, so the figures are not the neighbours'.
inline constexpr uint32_t kImageRunsAlone = 1 << 0;
static_assert(sizeof(ImageHeader) == 32);

// Host assist (slotbox only). Reading kHostAssistPort as a dword returns
// kHostAssistMagic; writing a dword hands the host the guest-physical address of a
// HostRequest in RAM. The host validates and performs it before the write instruction
// completes, and fills in status and reply. Under QEMU the port reads all ones.
inline constexpr uint32_t kHostAssistVersion = 1;

enum class HostOp : uint32_t {
  kStat = 1,          // a: gpa of a statistic's name, b: its length (<= 64)
                      //   -> reply[0] value, reply[1] 1 from the vCPU's stats, 2 from the VM's
  kTranslate = 2,     // a: gva -> reply[0] gpa, [1] valid, [2] writeable, [3] usermode (KVM_TRANSLATE)
  kExitCount = 3,     // a: ExitKind, b: first port/gpa, c: end (exclusive)
                      //   -> reply[0] reads, [1] writes seen by the host in that range;
                      //   a: kReason, b: a KVM exit reason (KVM_EXIT_MMIO = 6) -> reply[0] count
  kMmioOverlay = 4,   // a: gpa, b: size, c: 1 add / 0 remove: an MMIO window over whatever is there
  kRamAlias = 5,      // a: gpa, b: offset into guest RAM, c: size, d: 1 add / 0 remove
  kBiosWritable = 6,  // a: 1 writable / 0 read-only again
  kDirtyLog = 7,      // a: DirtyOp, b: gpa, c: size (RAM), d: gpa of a bitmap, e: its bytes
                      //   fetch -> bitmap of pages written in [b, b+c) since the last fetch,
                      //   reply[0] pages set
  kSlotAt = 8,        // a: gpa -> reply[0] present, [1] slot gpa, [2] size, [3] flags, [4] id,
                      //   [5] offset of gpa a in the region behind it (e.g. into guest RAM)
  kBackend = 9,       // -> reply[0] MmuMode, reply[1] KvmModule of the host's KVM
  kArguments = 10,    // a: gpa of a buffer, b: its bytes -> the image arguments given after
                      //   `--` on slotbox's command line, NUL-separated; reply[0] bytes used
};

enum class ExitKind : uint64_t { kPortIo = 1, kMmio = 2, kReason = 3 };
inline constexpr uint64_t kExitReasonIo = 2;    // KVM_EXIT_IO (linux/kvm.h)
inline constexpr uint64_t kExitReasonMmio = 6;  // KVM_EXIT_MMIO
enum class MmuMode : uint64_t { kUnknown = 0, kTdp = 1, kShadow = 2 };  // EPT/NPT, or shadow paging
enum class KvmModule : uint64_t { kUnknown = 0, kPvm = 1, kIntel = 2, kAmd = 3 };  // kvm_pvm, kvm_intel, kvm_amd
inline constexpr uint64_t kSlotReadonly = 1 << 1;  // KVM_MEM_READONLY in a slot's flags
inline constexpr uint64_t kSlotLogDirty = 1 << 0;  // KVM_MEM_LOG_DIRTY_PAGES
enum class DirtyOp : uint64_t { kStart = 1, kFetch = 2, kStop = 3 };

enum class HostStatus : uint32_t {
  kOk = 0,
  kBadVersion = 1,
  kBadOpcode = 2,
  kBadArgument = 3,   // a buffer outside RAM, a size out of bounds, an unknown name ...
  kFailed = 4,        // the host tried and KVM said no
  kUnavailable = 5,   // not on this host (e.g. no binary stats)
  kPending = 0xFFFFFFFF,  // set by the guest before the request: proves the host answered
};

struct HostRequest {
  uint32_t version;
  HostOp op;
  HostStatus status;
  uint32_t reserved;
  uint64_t args[6];
  uint64_t reply[6];
};
static_assert(sizeof(HostRequest) == 112);

// Guest exit statuses written to kExitPort by the runtime.
inline constexpr uint32_t kStatusPass = 0;
inline constexpr uint32_t kStatusFail = 1;
// An unexpected exception ends the run with kStatusCrash + its vector (0x40-0x5F), after
// one "Bail out! unexpected exception ..." line on the console.
inline constexpr uint32_t kStatusCrash = 0x40;
inline constexpr uint32_t kExceptionVectors = 32;
// Mnemonics of the architectural exception vectors (SDM vol. 3A table 6-1).
inline constexpr const char* kExceptionNames[kExceptionVectors] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP",
    "#SS", "#GP", "#PF", "15",  "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "22",  "23",
    "24",  "25",  "26",  "27",  "28",  "29",  "#SX", "31"};
inline constexpr bool is_crash_status(uint32_t status) {
  return status >= kStatusCrash && status < kStatusCrash + kExceptionVectors;
}

// The registers of the context that crashed, as the runtime's trap entry saved them
// (lowest address first). When the runtime writes its crash status to kExitPort, RSI
// holds this frame's guest-virtual address, so the host can report the registers and
// walk the stack of the code that faulted, not of the crash report.
struct TrapFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error_code;
  uint64_t rip, cs, rflags, rsp, ss;  // pushed by the CPU
};
static_assert(sizeof(TrapFrame) == 22 * 8);

} // namespace slotbox::abi
