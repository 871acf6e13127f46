// The progress line on a terminal: once a run has taken a second, a status line under the
// output says how many images ended, how many failed and which are running, redrawn a few
// times a second and erased before anything else is printed (stdout_stream.h). Only when
// terminal_style() says so: never into a pipe, a file or a report.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace slotbox::cli {

struct ProgressState {
  size_t total = 0;
  size_t ended = 0;
  size_t failed = 0;
  std::vector<std::string> running;  // in the order they started
};

// "[3/26] 1 failed; running touch, smp-remap; 2.4 s": what the status line says.
std::string progress_line(const ProgressState& state, std::chrono::milliseconds elapsed);

class Progress {
public:
  static constexpr std::chrono::milliseconds kQuietFor{1000};  // shorter runs show nothing
  static constexpr std::chrono::milliseconds kRedrawEvery{200};

  // enabled false: every call does nothing, no thread.
  Progress(bool enabled, size_t total);
  ~Progress();  // stops the redraws and erases the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void started(const std::string& name);
  void ended(const std::string& name, bool passed);

private:
  void redraw_until_stopped();

  bool m_enabled;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  ProgressState m_state;
  std::thread m_thread;
};

} // namespace slotbox::cli
