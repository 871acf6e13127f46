#include "host/machine/watchdog.h"

#include <csignal>

namespace slotbox::machine {
namespace {

// A handler that does nothing: its only job is to make KVM_RUN return EINTR. Installed
// without SA_RESTART so the ioctl is not restarted.
constexpr int kKickSignal = SIGUSR1;
void ignore_kick(int) {}

void install_kick_handler() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action{};
    action.sa_handler = ignore_kick;
    sigemptyset(&action.sa_mask);
    sigaction(kKickSignal, &action, nullptr);
  });
}

} // namespace

Watchdog::Watchdog(kvm::Vcpu& vcpu, std::chrono::milliseconds limit)
    : m_vcpu(vcpu), m_vcpu_thread(pthread_self()) {
  install_kick_handler();
  auto deadline = std::chrono::steady_clock::now() + limit;
  m_thread = std::thread([this, deadline] { wait_and_fire(deadline); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_stop.notify_one();
  m_thread.join();
}

void Watchdog::wait_and_fire(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(m_mutex);
  if (m_stop.wait_until(lock, deadline, [this] { return m_stopping; })) return;
  m_fired = true;
  m_vcpu.request_immediate_exit(true);
  pthread_kill(m_vcpu_thread, kKickSignal);
}

} // namespace slotbox::machine
