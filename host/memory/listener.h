// Observer of an address space's flat view: told which ranges disappeared and which
// appeared at each commit. The KVM slot listener (host/kvm) implements it.
#pragma once

#include "host/memory/flat_view.h"

namespace slotbox::memory {

class Listener {
public:
  virtual ~Listener() = default;
  virtual void begin() {}
  virtual void region_del(const FlatRange&) {}
  virtual void region_add(const FlatRange&) {}
  virtual void commit() {}
};

} // namespace slotbox::memory
