// faults/null-dereference: a read through a null pointer at CPL3. Page 0 is not mapped,
// so it raises #PF and the runtime's crash line says what it was.
#include "slotbox/guest.h"

SLOTBOX_CRASH_IMAGE("faults/null-dereference", 14);  // #PF

namespace {
struct Node {
  uint64_t value;
  Node* next;
};
Node* volatile g_list = nullptr;  // volatile: the compiler may not know it stays null
} // namespace

void image_main() {
  slotbox::guest::print("# reading through a null pointer at CPL3\n");
  slotbox::guest::print("# value %lu\n", g_list->next->value);
}
