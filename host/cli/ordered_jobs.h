// Runs tasks 0..n-1 on up to `jobs` threads and hands each finished task to `done` on the
// caller's thread in index order, so the output of a parallel run reads like a serial one.
// A task marked alone runs with no other task beside it (images that measure time).
#pragma once

#include <cstddef>
#include <functional>

namespace slotbox::cli {

struct OrderedJobs {
  size_t count;
  unsigned jobs;
  std::function<bool(size_t)> alone;
  std::function<void(size_t)> task;  // on a worker thread
  std::function<void(size_t)> done;  // on the caller's thread, 0, 1, 2, ... in order
};

void run_ordered(const OrderedJobs& work);

} // namespace slotbox::cli
