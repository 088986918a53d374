#include "server/bounded_task_queue.h"

namespace rapport::server {

BoundedTaskQueue::BoundedTaskQueue(size_t threads, size_t max_queued) : max_queued_(max_queued) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() {
  shutdown();
}

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mutex_);
  has_room_.wait(lock, [&] { return jobs_.size() < max_queued_ || stopping_; });
  jobs_.push_back(std::move(fn));
  has_work_.notify_one();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  has_work_.notify_all();
  has_room_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void BoundedTaskQueue::Work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      has_work_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    has_room_.notify_one();
    job();
  }
}

}  // namespace rapport::server
