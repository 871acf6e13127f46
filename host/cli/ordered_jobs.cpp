#include "host/cli/ordered_jobs.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace slotbox::cli {
namespace {

// What the workers and the caller share, guarded by one mutex.
class Progress {
public:
  explicit Progress(const OrderedJobs& work) : m_work(work), m_finished(work.count, false) {}

  // Waits, handing finished tasks to `done` meanwhile, until task `index` may start.
  void wait_for_room(size_t index) {
    bool alone = m_work.alone(index);
    std::unique_lock lock(m_mutex);
    for (;;) {
      hand_over_finished(lock);
      bool room = alone ? m_running == 0 : m_running < m_work.jobs && !m_alone_running;
      if (room) break;
      m_changed.wait(lock);
    }
    ++m_running;
    m_alone_running = alone;
  }

  void finished(size_t index) {
    std::lock_guard lock(m_mutex);
    m_finished[index] = true;
    --m_running;
    m_alone_running = false;
    m_changed.notify_all();
  }

  void hand_over_rest() {
    std::unique_lock lock(m_mutex);
    for (;;) {
      hand_over_finished(lock);
      if (m_next_done == m_work.count) return;
      m_changed.wait(lock);
    }
  }

private:
  // `done` runs without the lock: it prints, and workers must not wait for that.
  void hand_over_finished(std::unique_lock<std::mutex>& lock) {
    while (m_next_done < m_work.count && m_finished[m_next_done]) {
      size_t index = m_next_done++;
      lock.unlock();
      m_work.done(index);
      lock.lock();
    }
  }

  const OrderedJobs& m_work;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<bool> m_finished;
  size_t m_running = 0;
  bool m_alone_running = false;
  size_t m_next_done = 0;
};

} // namespace

void run_ordered(const OrderedJobs& work) {
  Progress progress(work);
  std::vector<std::thread> workers;
  for (size_t index = 0; index < work.count; ++index) {
    progress.wait_for_room(index);
    workers.emplace_back([&work, &progress, index] {
      work.task(index);
      progress.finished(index);
    });
  }
  progress.hand_over_rest();
  for (auto& worker : workers) worker.join();
}

} // namespace slotbox::cli
