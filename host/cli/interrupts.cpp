#include "host/cli/interrupts.h"

#include "host/machine/run_controller.h"
#include "host/sandbox/violation_report.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

namespace slotbox::cli {
namespace {

std::atomic<int> g_signal{0};
std::mutex g_cleanup_mutex;
std::string g_cleanup_path;  // guarded by g_cleanup_mutex

sigset_t interrupt_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

[[noreturn]] void watch(sigset_t signals) {
  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    int expected = 0;
    if (g_signal.compare_exchange_strong(expected, signal)) {
      machine::interrupt_runs(signal);
      continue;
    }
    std::lock_guard lock(g_cleanup_mutex);
    if (!g_cleanup_path.empty()) ::unlink(g_cleanup_path.c_str());
    ::_exit(128 + g_signal.load());
  }
}

// A sandboxed vCPU thread's refused call ends the process without the run's own clean-up:
// the --output temporary goes here, on the sandbox's clean-up thread.
void remove_cleanup_file() {
  std::lock_guard lock(g_cleanup_mutex);
  if (!g_cleanup_path.empty()) ::unlink(g_cleanup_path.c_str());
}

} // namespace

void watch_interrupts() {
  static std::once_flag started;
  std::call_once(started, [] {
    sigset_t signals = interrupt_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::thread(watch, signals).detach();
  });
}

int interrupt_signal() { return g_signal.load(); }

std::string signal_name(int signal) {
  const char* abbreviation = sigabbrev_np(signal);
  return abbreviation ? std::string("SIG") + abbreviation : "signal " + std::to_string(signal);
}

void set_interrupt_cleanup(const std::string& path) {
  // The sandbox's clean-up thread only when there is something to clean up (an --output
  // temporary, made before any vCPU starts): a run without one saves starting a thread.
  if (!path.empty()) sandbox::set_violation_cleanup(remove_cleanup_file);
  std::lock_guard lock(g_cleanup_mutex);
  g_cleanup_path = path;
}

} // namespace slotbox::cli
