#include "host/machine/run_controller.h"

#include "host/base/format.h"
#include "host/machine/exit_handler.h"

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

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

class RunController {
public:
  RunController(PcMachine& machine, std::FILE* trace) : m_machine(machine), m_trace(trace) {}

  Result<RunEnd> run(std::chrono::milliseconds limit) {
    install_kick_handler();
    std::vector<std::thread> threads;
    for (size_t index = 0; index < m_machine.vcpu_count(); ++index)
      threads.emplace_back([this, index] { vcpu_loop(index); });
    bool ended;
    {
      std::unique_lock lock(m_mutex);
      ended = m_ended.wait_for(lock, limit, [this] { return m_end.has_value(); });
      m_stopping = true;
    }
    for (size_t index = 0; index < threads.size(); ++index) stop(index, threads[index]);
    for (auto& thread : threads) thread.join();
    if (!ended) return timed_out(limit);
    if (!*m_end) return fail(m_end->error());
    RunEnd end = **m_end;
    end.exits = m_exits;
    return end;
  }

private:
  void vcpu_loop(size_t index) {
    kvm::Vcpu& vcpu = m_machine.vcpu(index);
    ExitContext context{m_machine.map().io(), m_machine.map().memory(), m_machine.exits(),
                        m_machine.debug_exit(), [&vcpu]() -> std::optional<kvm_regs> {
                          auto regs = vcpu.registers();
                          return regs ? std::optional(*regs) : std::nullopt;
                        }};
    while (!m_stopping) {
      auto exit = vcpu.run();
      if (!exit) return finish(fail(exit.error()));
      if (std::holds_alternative<kvm::InterruptedExit>(*exit)) continue;  // a kick, or a stray signal
      ++m_exits;
      std::optional<RunEnd> end;
      {
        std::lock_guard machine_lock(m_machine.lock());
        m_machine.set_exiting_vcpu(vcpu);
        if (m_trace) trace_exit(m_trace, *exit);
        end = handle_exit(*exit, context);
      }
      if (end) return finish(std::move(*end));
    }
  }

  // The first end wins; the caller's thread wakes and stops the rest.
  void finish(Result<RunEnd> end) {
    std::lock_guard lock(m_mutex);
    if (m_end) return;
    m_end = std::move(end);
    m_ended.notify_one();
  }

  void stop(size_t index, std::thread& thread) {
    m_machine.vcpu(index).request_immediate_exit(true);
    pthread_kill(thread.native_handle(), kKickSignal);
  }

  // The BSP's rip says where a guest that never ended was spinning.
  RunEnd timed_out(std::chrono::milliseconds limit) {
    auto regs = m_machine.vcpu(0).registers();
    std::string where = regs ? " at rip " + hex(regs->rip) : std::string();
    return RunEnd{EndKind::kTimeout, 0, "no end within " + std::to_string(limit.count()) + " ms" + where,
                  {}, m_exits};
  }

  PcMachine& m_machine;
  std::FILE* m_trace;
  std::mutex m_mutex;
  std::condition_variable m_ended;
  std::optional<Result<RunEnd>> m_end;  // guarded by m_mutex
  std::atomic<bool> m_stopping{false};
  std::atomic<uint64_t> m_exits{0};
};

} // namespace

Result<RunEnd> run_until_end(PcMachine& machine, std::chrono::milliseconds limit, std::FILE* trace) {
  auto started = std::chrono::steady_clock::now();
  RunEnd end = SLOTBOX_TRY(RunController(machine, trace).run(limit));
  end.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  return end;
}

} // namespace slotbox::machine
