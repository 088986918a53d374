// BoundedTaskQueue: the server's worker pool. A fixed number of threads take connections from a
// queue of bounded length; when the queue is full the accepting thread waits, so that excess
// clients wait in the kernel's listen backlog instead of in memory without limit.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rapport::server {

class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(size_t threads, size_t max_queued);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then joins the threads: in-flight requests finish.
  void shutdown() override;

 private:
  void Work();

  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable has_work_, has_room_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace rapport::server
