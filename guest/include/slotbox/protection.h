// The pages the runtime protects (guest/runtime/page_protection.cpp): page 0 is not
// mapped, each stack has an unmapped guard page under it, the runtime's code and
// constants are read-only at CPL3 and the kernel's stacks and tables are out of its reach.
// A fault on one of them ends the run with a crash line that names it ("Bail out! null
// pointer dereference: #PF ...", "Bail out! stack overflow: #PF ...").
#pragma once

#include <stdint.h>

namespace slotbox::guest {

struct RuntimePages {
  uint64_t code_start, code_end;  // the payload's code and constants: read-only at CPL3
  uint64_t kernel_stack;          // a page of this CPU's kernel stack: CPL0 only
  uint64_t kernel_stack_guard;    // this CPU's guard pages: not mapped
  uint64_t user_stack_guard;
};

// Where they are on the calling CPU.
RuntimePages runtime_pages();

} // namespace slotbox::guest
