#include "host/machine/run_controller.h"

#include "host/base/format.h"
#include "host/machine/crash_capture.h"
#include "host/machine/exit_handler.h"
#include "host/sandbox/seccomp_filter.h"
#include "host/sandbox/violation_report.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace slotbox::machine {
namespace {

// A handler that does nothing: its only job is to make KVM_RUN return EINTR. Installed
// without SA_RESTART so the ioctl is not restarted.
constexpr int kKickSignal = SIGUSR1;
constexpr uint64_t kInterruptFlag = 1u << 9;  // RFLAGS.IF (SDM vol. 1 3.4.3)
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

class RunController;

RunEnd interrupted_end(int signal) {
  return RunEnd{EndKind::kInterrupted, 0, std::string("by SIG") + sigabbrev_np(signal), {}, 0};
}

// Runs under way, so that interrupt_runs() can end them; and the signal once one came, so
// that a run starting after it ends at once.
std::mutex g_runs_mutex;
std::set<RunController*> g_runs;  // guarded by g_runs_mutex
int g_interrupt_signal = 0;       // guarded by g_runs_mutex

// The machine lock as the current vCPU thread holds it while it handles an exit, so that a
// map change it makes can wait on it (RunController::quiesce).
thread_local std::unique_lock<std::mutex>* t_machine_lock = nullptr;

class RunController {
public:
  RunController(PcMachine& machine, std::FILE* trace, debug::RunDebugger* debugger, SandboxSettings sandbox)
      : m_machine(machine), m_trace(trace), m_debugger(debugger), m_sandbox(sandbox), m_live(machine.vcpu_count()) {
    m_sandbox.enabled = m_sandbox.enabled && !sandbox::kSanitizerBuild;
    m_machine.set_quiesce([this](const std::function<Result<void>()>& change) { return quiesce(change); });
  }
  ~RunController() { m_machine.set_quiesce({}); }

  Result<RunEnd> run(std::chrono::milliseconds limit) {
    install_kick_handler();
    if (m_sandbox.enabled) sandbox::prepare_violation_report();
    ActiveRun active(*this);
    {
      // quiesce() reads m_threads under the machine lock: it is complete before anyone can.
      std::lock_guard machine_lock(m_machine.lock());
      for (size_t index = 0; index < m_machine.vcpu_count(); ++index)
        m_threads.emplace_back([this, index] { vcpu_loop(index); });
    }
    if (m_debugger) m_debugger->set_interrupter([this] { kick(0); });
    bool ended;
    {
      std::unique_lock lock(m_mutex);
      ended = wait_for_end(lock, limit);
      m_stopping = true;
    }
    for (size_t index = 0; index < m_threads.size(); ++index) kick(index);
    for (auto& thread : m_threads) thread.join();
    if (!ended) return ended_by_debugger(timed_out(limit));
    if (*m_end && (*m_end)->kind == EndKind::kInterrupted) return ended_by_debugger(interrupted(std::move(**m_end)));
    if (!*m_end) return fail(m_end->error());
    RunEnd end = **m_end;
    end.exits = m_exits;
    return ended_by_debugger(std::move(end));
  }

  // The first end wins; the caller's thread wakes and stops the rest.
  void finish(Result<RunEnd> end) {
    std::lock_guard lock(m_mutex);
    if (m_end) return;
    m_end = std::move(end);
    m_ended.notify_one();
  }

private:
  // Registers a run in g_runs for as long as it is under way.
  class ActiveRun {
  public:
    explicit ActiveRun(RunController& run) : m_run(run) {
      std::lock_guard lock(g_runs_mutex);
      g_runs.insert(&m_run);
      if (g_interrupt_signal) m_run.finish(interrupted_end(g_interrupt_signal));
    }
    ~ActiveRun() {
      std::lock_guard lock(g_runs_mutex);
      g_runs.erase(&m_run);
    }
    ActiveRun(const ActiveRun&) = delete;
    ActiveRun& operator=(const ActiveRun&) = delete;

  private:
    RunController& m_run;
  };

  // Until the first end or the deadline, whichever comes first; time stopped in the
  // debugger moves the deadline on.
  bool wait_for_end(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      if (m_end) return true;
      if (m_debug_stops) {
        auto stopped_at = std::chrono::steady_clock::now();
        m_ended.wait(lock, [this] { return m_end || !m_debug_stops; });
        deadline += std::chrono::steady_clock::now() - stopped_at;
        continue;
      }
      if (!m_ended.wait_until(lock, deadline, [this] { return m_end || m_debug_stops; })) return false;
    }
  }

  RunEnd ended_by_debugger(RunEnd end) {
    if (m_debugger)
      m_debugger->run_ended(end.kind == EndKind::kGuestExit || end.kind == EndKind::kGuestCrash
                                ? std::optional(end.status) : std::nullopt);
    return end;
  }

  // --- the debugger's stops (--gdb) ---
  // On vCPU `index`'s thread, under the machine lock: every other vCPU parked (quiesce),
  // the debugger in charge until it lets the guest go on.
  void debug_stop(size_t index, std::unique_lock<std::mutex>& machine_lock, debug::StopReason reason,
                  uint64_t dr6 = 0) {
    if (!m_stopping) m_machine.vcpu(index).request_immediate_exit(false);  // the kick that brought it here
    set_debug_stopped(+1);
    m_machine.set_exiting_vcpu(m_machine.vcpu(index));  // quiesce() parks every vCPU but this one
    t_machine_lock = &machine_lock;
    (void)quiesce([&]() -> Result<void> {
      m_debugger->stopped(index, reason, dr6);
      return {};
    });
    t_machine_lock = nullptr;
    set_debug_stopped(-1);
  }

  void set_debug_stopped(int change) {
    std::lock_guard lock(m_mutex);
    m_debug_stops += change;
    m_ended.notify_one();
  }

  // A debug exit, or vCPU 0 kicked for a stop the debugger asked for: the debugger's.
  bool is_debug_stop(size_t index, const kvm::VcpuExit& exit, debug::StopReason& reason, uint64_t& dr6) {
    if (!m_debugger) return false;
    if (const auto* debug_exit = std::get_if<kvm::DebugExit>(&exit)) {
      reason = debug_exit->exception == kBreakpointVector ? debug::StopReason::kBreakpoint : debug::StopReason::kStep;
      dr6 = debug_exit->dr6;
      return true;
    }
    reason = debug::StopReason::kInterrupt;
    return index == 0 && std::holds_alternative<kvm::InterruptedExit>(exit) && m_debugger->take_stop_request();
  }
  static constexpr uint32_t kBreakpointVector = 3;  // #BP: an int3 the debugger placed

  void vcpu_loop(size_t index) {
    kvm::Vcpu& vcpu = m_machine.vcpu(index);
    ExitContext context{m_machine.map().io(), m_machine.map().memory(), m_machine.exits(),
                        m_machine.debug_exit(), [&vcpu]() -> std::optional<kvm_regs> {
                          auto regs = vcpu.registers();
                          return regs ? std::optional(*regs) : std::nullopt;
                        },
                        m_machine.hyperv_testdev(), static_cast<uint32_t>(index)};
    std::optional<Result<RunEnd>> end;
    if (auto confined = confine(index); !confined) end = fail(confined.error());
    if (!end && index == 0 && m_debugger && m_debugger->stops_at_reset()) {  // --gdb-wait: before the first instruction
      std::unique_lock machine_lock(m_machine.lock());
      debug_stop(index, machine_lock, debug::StopReason::kReset);
    }
    while (!m_stopping && !end) {
      auto exit = vcpu.run();
      std::unique_lock machine_lock = exit_lock();
      park_while_quiesced(machine_lock, vcpu);
      debug::StopReason reason;
      uint64_t dr6 = 0;
      if (exit && is_debug_stop(index, *exit, reason, dr6)) {
        debug_stop(index, machine_lock, reason, dr6);
      } else if (!exit) {
        end = fail(exit.error());
      } else if (!std::holds_alternative<kvm::InterruptedExit>(*exit)) {  // not a kick or a stray signal
        ++m_exits;
        m_machine.set_exiting_vcpu(vcpu);
        if (m_trace) trace_exit(m_trace, *exit);
        t_machine_lock = &machine_lock;
        if (auto ended = handle_exit(*exit, context)) end = std::move(*ended);
        if (end && *end) capture_crash(**end, vcpu, index, m_machine.map());  // on the vCPU's own thread
        t_machine_lock = nullptr;
      }
    }
    {
      std::lock_guard machine_lock(m_machine.lock());
      --m_live;
      m_parking.notify_all();
    }
    if (end) finish(std::move(*end));
  }

  // The machine lock for handling one exit. With one vCPU there is no other exit to
  // serialize with and no one else takes the lock during the run (the caller's thread only
  // kicks, and reads what exits changed after the join), so it is skipped: locking and
  // unlocking a mutex was a fifth of slotbox's user-space instructions per exit
  // (callgrind, docs/benchmarks.md, "Exits, third round"). Nor is there anyone to quiesce then.
  std::unique_lock<std::mutex> exit_lock() {
    if (m_machine.vcpu_count() == 1) return std::unique_lock(m_machine.lock(), std::defer_lock);
    return std::unique_lock(m_machine.lock());
  }

  // On vCPU `index`'s own thread, before its first KVM_RUN: its seccomp filter, naming the
  // fds this thread works on (its vCPU, the VM, the statistics, stdout and stderr).
  Result<void> confine(size_t index) {
    if (m_sandbox.enabled) {
      sandbox::VcpuThreadAccess access;
      access.vcpu_fd = m_machine.vcpu(index).fd();
      access.vm_fd = m_machine.vm_fd();
      for (const auto* stats : {&m_machine.vcpu_stats(), &m_machine.vm_stats()})
        if (*stats) access.stats_fds.push_back((*stats)->fd());
      access.output_fds = {STDOUT_FILENO, STDERR_FILENO};
      access.process_id = ::getpid();
      access.kick_signal = kKickSignal;
      access.debugger = m_debugger != nullptr;
      SLOTBOX_TRY_VOID(sandbox::confine_this_thread(sandbox::vcpu_thread_policy(access), "vCPU " + std::to_string(index)));
    }
    if (m_sandbox.test_violation && index == 0) sandbox::make_disallowed_call();
    return {};
  }

  // Under the machine lock: while a map change is under way elsewhere, wait outside
  // KVM_RUN, then take back the kick that brought this vCPU out.
  void park_while_quiesced(std::unique_lock<std::mutex>& machine_lock, kvm::Vcpu& vcpu) {
    if (!m_quiescing) return;
    ++m_parked;
    m_parking.notify_all();
    m_parking.wait(machine_lock, [this] { return !m_quiescing; });
    --m_parked;
    if (!m_stopping) vcpu.request_immediate_exit(false);
  }

  // On the asking vCPU's thread, under the machine lock (t_machine_lock): every other live
  // vCPU parked, then the change, then they go on.
  Result<void> quiesce(const std::function<Result<void>()>& change) {
    if (!t_machine_lock || m_machine.vcpu_count() == 1) return change();
    m_quiescing = true;
    for (size_t index = 0; index < m_threads.size(); ++index)
      if (&m_machine.vcpu(index) != m_machine.exiting_vcpu()) kick(index);
    m_parking.wait(*t_machine_lock, [this] { return m_parked + 1 >= m_live; });
    Result<void> changed = change();
    m_quiescing = false;
    m_parking.notify_all();
    return changed;
  }

  // Out of KVM_RUN: immediate_exit for a KVM_RUN about to start, the signal for one under way.
  void kick(size_t index) {
    m_machine.vcpu(index).request_immediate_exit(true);
    pthread_kill(m_threads[index].native_handle(), kKickSignal);
  }

  // The BSP's rip says where a guest that never ended was spinning, or halted: a HLT
  // stays in KVM (in-kernel irqchip), and whether it waits with interrupts on (`sti; hlt`,
  // for an interrupt that never comes) or off (for ever) is worth telling apart.
  std::string bsp_state() {
    kvm::Vcpu& bsp = m_machine.vcpu(0);
    auto regs = bsp.registers();
    if (!regs) return {};
    std::string where = " at rip " + hex(regs->rip);
    auto state = bsp.mp_state();
    if (state && *state == KVM_MP_STATE_HALTED)
      where += (regs->rflags & kInterruptFlag) ? ", halted with interrupts on and none coming"
                                               : ", halted with interrupts off";
    return where;
  }

  RunEnd timed_out(std::chrono::milliseconds limit) {
    RunEnd end{EndKind::kTimeout, 0, "no end within " + std::to_string(limit.count()) + " ms" + bsp_state(), {}, m_exits};
    capture_crash(end, m_machine.vcpu(0), 0, m_machine.map());
    return end;
  }

  RunEnd interrupted(RunEnd end) {
    end.detail += bsp_state();
    end.exits = m_exits;
    return end;
  }

  PcMachine& m_machine;
  std::FILE* m_trace;
  debug::RunDebugger* m_debugger;
  SandboxSettings m_sandbox;
  int m_debug_stops = 0;  // vCPUs stopped in the debugger; guarded by m_mutex
  std::mutex m_mutex;
  std::condition_variable m_ended;
  std::optional<Result<RunEnd>> m_end;  // guarded by m_mutex
  std::atomic<bool> m_stopping{false};
  std::atomic<uint64_t> m_exits{0};
  std::vector<std::thread> m_threads;
  // The quiesce protocol, all guarded by the machine lock.
  std::condition_variable m_parking;
  bool m_quiescing = false;
  size_t m_parked = 0;
  size_t m_live;  // vCPU threads still in their loop
};

} // namespace

void interrupt_runs(int signal) {
  std::lock_guard lock(g_runs_mutex);
  if (!g_interrupt_signal) g_interrupt_signal = signal;
  for (RunController* run : g_runs) run->finish(interrupted_end(signal));
}

Result<RunEnd> run_until_end(PcMachine& machine, std::chrono::milliseconds limit, std::FILE* trace,
                             debug::RunDebugger* debugger, SandboxSettings sandbox) {
  auto started = std::chrono::steady_clock::now();
  RunEnd end = SLOTBOX_TRY(RunController(machine, trace, debugger, sandbox).run(limit));
  end.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  return end;
}

} // namespace slotbox::machine
