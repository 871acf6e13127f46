// A crash state made readable: each address of the stack walk as function, file and line
// (inlined calls unfolded), and the text lines slotbox prints under an image's verdict.
#pragma once

#include "host/debug/crash_state.h"
#include "host/debug/symbolizer.h"

#include <string>
#include <vector>

namespace slotbox::debug {

struct CrashFrame {
  uint64_t address = 0;
  SourceLocation location;  // empty function and file where nothing is known
};

struct CrashReport {
  std::string source;
  GuestRegisters registers;
  std::vector<CrashFrame> frames;  // innermost first; an inlined call is a frame of its own
  std::string symbols;             // the ELF the names come from, or why there are none
};

// `symbols` may be null (no ELF for the image): the frames are then bare addresses, and
// `symbols_note` says why.
CrashReport symbolize(const CrashState& state, const Symbolizer* symbols, std::string symbols_note);

// "crash: ...", the registers four to a line, then "#0 0x200a1c in image_main() at
// images/x.cpp:12" per frame, as gdb's backtrace prints them.
std::vector<std::string> crash_report_lines(const CrashReport& report);

} // namespace slotbox::debug
