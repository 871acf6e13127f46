// The gdb remote stub behind `--gdb PORT`: listens on 127.0.0.1 only, serves one gdb at a
// time over the remote serial protocol (gdb_packet.h), every vCPU a gdb thread (ids 1..N).
// All-stop: when one vCPU stops (a breakpoint, a step, Ctrl-C, the reset vector with
// --gdb-wait) the run controller parks the others and the guest's clock for the deadline.
//
// Threads: a connection thread reads gdb's packets and answers them while the guest is
// stopped; the stopped vCPU's thread waits in stopped() until gdb continues or steps. The
// guest's registers and memory are touched only while every vCPU is out of KVM_RUN.
//
// A software breakpoint (gdb's `break`) is an int3 the host writes into guest memory, RAM
// or ROM; a hardware one (`hbreak`, `watch`, `awatch`) takes one of the four debug
// registers. Steps go to the vCPU that stopped.
// Detaching (gdb's `detach`, `kill` or quit, or a closed connection) removes every
// breakpoint and lets the guest run on.
#pragma once

#include "host/base/error.h"
#include "host/base/fd.h"
#include "host/debug/gdb_packet.h"
#include "host/debug/gdb_target.h"
#include "host/debug/run_debugger.h"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace slotbox::debug::gdb {

class GdbServer final : public RunDebugger {
public:
  // Listens at once, so a gdb started right after slotbox finds the port open.
  static Result<std::unique_ptr<GdbServer>> listen(uint16_t port, bool wait_at_reset);
  ~GdbServer() override;
  uint16_t port() const { return m_port; }

  // The machine of the run about to start; the connection thread starts serving.
  void attach(Target& target);

  bool stops_at_reset() const override { return m_wait_at_reset; }
  void set_interrupter(std::function<void()> interrupt) override;
  bool take_stop_request() override;
  void stopped(size_t vcpu, StopReason reason, uint64_t dr6) override;
  void run_ended(std::optional<uint32_t> exit_status) override;

private:
  GdbServer(Fd listener, uint16_t port, bool wait_at_reset);
  enum class Resume { kNone, kGo };

  void serve();
  void serve_connection();
  void request_stop();                                         // under m_mutex
  void send(std::string_view payload);                         // under m_mutex
  std::optional<std::string> handle(const std::string& packet);  // under m_mutex, guest stopped
  std::string stop_reply() const;
  size_t thread_vcpu(std::string_view thread_id) const;
  std::string read_memory(std::string_view arguments);
  std::string write_memory(std::string_view arguments, bool binary);
  std::string breakpoint(std::string_view arguments, bool insert);
  std::string read_features(std::string_view arguments) const;
  void resume(bool step);
  void detach();

  Fd m_listener;
  uint16_t m_port;
  bool m_wait_at_reset;
  Target* m_target = nullptr;
  std::thread m_thread;

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::function<void()> m_interrupter;
  int m_connection = -1;
  bool m_closing = false;
  bool m_ended = false;
  std::optional<uint32_t> m_exit_status;
  bool m_stop_requested = false;
  bool m_stopped = false;
  bool m_owe_stop_reply = false;  // gdb continued or stepped and waits for the next stop
  Resume m_resume = Resume::kNone;
  size_t m_stop_vcpu = 0;
  StopReason m_stop_reason = StopReason::kReset;
  uint64_t m_stop_dr6 = 0;
  size_t m_general_vcpu = 0;  // Hg: whose registers and memory
  std::vector<HardwareBreakpoint> m_hardware;
  std::map<uint64_t, uint8_t> m_software;  // int3 address -> the byte it replaced
};

} // namespace slotbox::debug::gdb
