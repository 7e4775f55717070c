#include "api/rate_limiter.hpp"

namespace api {

RateLimiter::RateLimiter(std::size_t requests, std::chrono::seconds window, std::size_t max_keys,
                         Clock clock, WhenFull when_full)
    : requests_(requests == 0 ? 1 : requests),
      window_(window.count() <= 0 ? std::chrono::seconds(1) : window),
      max_keys_(max_keys == 0 ? 1 : max_keys),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      when_full_(when_full) {}

void RateLimiter::forget_idle(TimePoint now) {
  for (auto it = admitted_.begin(); it != admitted_.end();) {
    if (it->second.empty() || it->second.back() + window_ <= now) {
      it = admitted_.erase(it);
    } else {
      ++it;
    }
  }
}

void RateLimiter::evict_oldest() {
  // A linear scan: it runs only when the table is full of active keys, and costs far
  // less than the password hash that the auth limits stand in front of.
  auto oldest = admitted_.begin();
  for (auto it = admitted_.begin(); it != admitted_.end(); ++it) {
    if (it->second.empty()) {
      oldest = it;
      break;
    }
    if (oldest->second.empty() || it->second.back() < oldest->second.back()) oldest = it;
  }
  if (oldest != admitted_.end()) {
    admitted_.erase(oldest);
    ++evicted_;
  }
}

RateLimiter::Decision RateLimiter::admit(std::string_view key) {
  const TimePoint now = clock_();
  std::lock_guard lock(mutex_);
  auto it = admitted_.find(std::string(key));
  if (it == admitted_.end()) {
    if (admitted_.size() >= max_keys_) forget_idle(now);
    if (admitted_.size() >= max_keys_) {
      if (when_full_ == WhenFull::refuse_new) {
        ++refused_;
        return {false, std::chrono::duration_cast<std::chrono::seconds>(window_)};
      }
      evict_oldest();
    }
    it = admitted_.emplace(std::string(key), std::deque<TimePoint>{}).first;
  }
  auto& times = it->second;
  while (!times.empty() && times.front() + window_ <= now) times.pop_front();
  if (times.size() >= requests_) {
    ++refused_;
    // The oldest admitted request leaves the window at front + window; round up so
    // that a client waiting Retry-After seconds is admitted.
    const auto wait = times.front() + window_ - now;
    auto seconds = std::chrono::ceil<std::chrono::seconds>(wait);
    if (seconds < std::chrono::seconds(1)) seconds = std::chrono::seconds(1);
    return {false, seconds};
  }
  times.push_back(now);
  return {true, std::chrono::seconds(0)};
}

void RateLimiter::give_back(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto it = admitted_.find(std::string(key));
  if (it == admitted_.end() || it->second.empty()) return;
  it->second.pop_back();
  if (it->second.empty()) admitted_.erase(it);
}

std::uint64_t RateLimiter::refused() const noexcept {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::uint64_t RateLimiter::evicted() const noexcept {
  std::lock_guard lock(mutex_);
  return evicted_;
}

std::size_t RateLimiter::tracked() const noexcept {
  std::lock_guard lock(mutex_);
  return admitted_.size();
}

}  // namespace api
