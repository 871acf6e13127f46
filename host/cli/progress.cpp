#include "host/cli/progress.h"

#include "host/cli/stdout_stream.h"

#include <algorithm>
#include <cstdio>

namespace slotbox::cli {

std::string progress_line(const ProgressState& state, std::chrono::milliseconds elapsed) {
  std::string line = "[" + std::to_string(state.ended) + "/" + std::to_string(state.total) + "]";
  if (state.failed) line += " " + std::to_string(state.failed) + " failed;";
  if (!state.running.empty()) {
    line += " running ";
    for (size_t i = 0; i < state.running.size(); ++i) line += (i ? ", " : "") + state.running[i];
    line += ";";
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, " %.1f s", static_cast<double>(elapsed.count()) / 1000.0);
  return line + seconds;
}

Progress::Progress(bool enabled, size_t total) : m_enabled(enabled) {
  m_state.total = total;
  if (m_enabled) m_thread = std::thread([this] { redraw_until_stopped(); });
}

Progress::~Progress() {
  if (!m_enabled) return;
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
  clear_status_line();
}

void Progress::started(const std::string& name) {
  if (!m_enabled) return;
  std::lock_guard lock(m_mutex);
  m_state.running.push_back(name);
}

void Progress::ended(const std::string& name, bool passed) {
  if (!m_enabled) return;
  std::lock_guard lock(m_mutex);
  auto found = std::find(m_state.running.begin(), m_state.running.end(), name);
  if (found != m_state.running.end()) m_state.running.erase(found);
  ++m_state.ended;
  if (!passed) ++m_state.failed;
}

void Progress::redraw_until_stopped() {
  std::unique_lock lock(m_mutex);
  if (m_wake.wait_for(lock, kQuietFor, [this] { return m_stopping; })) return;
  while (!m_stopping) {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_start);
    std::string line = progress_line(m_state, elapsed);
    // Drawn without our lock: the stdout lock it takes may be held by a writer that is
    // waiting for nothing of ours, but never the other way round.
    lock.unlock();
    show_status_line(line);
    lock.lock();
    m_wake.wait_for(lock, kRedrawEvery, [this] { return m_stopping; });
  }
}

} // namespace slotbox::cli
