// Observer of an address space's flat view: told which ranges disappeared and which
// appeared at each commit. The KVM slot listener (host/kvm) implements it.
//
// Every call returns the listener's failure as a value (a KVM slot it could not set, say);
// the address space hands the first one back to whoever committed the change.
#pragma once

#include "host/base/error.h"
#include "host/memory/flat_view.h"

namespace slotbox::memory {

class Listener {
public:
  virtual ~Listener() = default;
  virtual Result<void> region_del(const FlatRange&) { return {}; }
  virtual Result<void> region_add(const FlatRange&) { return {}; }
  // A range that stays where it is and only starts or stops logging dirty pages; `range`
  // is the new state. Listeners can switch logging in place instead of re-adding.
  virtual Result<void> log_start(const FlatRange&) { return {}; }
  virtual Result<void> log_stop(const FlatRange&) { return {}; }
};

} // namespace slotbox::memory
