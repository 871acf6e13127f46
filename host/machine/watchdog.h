// Stops a vCPU that runs past its deadline. A guest spinning at CPL3 never exits on its
// own, so the watchdog both sets kvm_run.immediate_exit (for a KVM_RUN about to start)
// and signals the vCPU thread (to kick one in progress out with EINTR).
#pragma once

#include "host/kvm/vcpu.h"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace slotbox::machine {

class Watchdog {
public:
  // Must be constructed on the thread that runs the vCPU.
  Watchdog(kvm::Vcpu& vcpu, std::chrono::milliseconds limit);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  bool fired() const { return m_fired.load(); }

private:
  void wait_and_fire(std::chrono::steady_clock::time_point deadline);

  kvm::Vcpu& m_vcpu;
  pthread_t m_vcpu_thread;
  std::atomic<bool> m_fired{false};
  std::mutex m_mutex;
  std::condition_variable m_stop;
  bool m_stopping = false;
  std::thread m_thread;
};

} // namespace slotbox::machine
