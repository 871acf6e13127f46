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
  // A range that stays where it is and only starts or stops logging dirty pages; `range`
  // is the new state. Listeners can switch logging in place instead of re-adding.
  virtual void log_start(const FlatRange&) {}
  virtual void log_stop(const FlatRange&) {}
  virtual void commit() {}
};

} // namespace slotbox::memory
