#include "api/rate_limiter.hpp"

namespace api {

RateLimiter::RateLimiter(std::size_t requests, std::chrono::seconds window, std::size_t max_keys,
                         Clock clock)
    : requests_(requests == 0 ? 1 : requests),
      window_(window.count() <= 0 ? std::chrono::seconds(1) : window),
      max_keys_(max_keys == 0 ? 1 : max_keys),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

void RateLimiter::forget_idle(TimePoint now) {
  for (auto it = admitted_.begin(); it != admitted_.end();) {
    if (it->second.empty() || it->second.back() + window_ <= now) {
      it = admitted_.erase(it);
    } else {
      ++it;
    }
  }
}

RateLimiter::Decision RateLimiter::admit(std::string_view key) {
  const TimePoint now = clock_();
  std::lock_guard lock(mutex_);
  auto it = admitted_.find(std::string(key));
  if (it == admitted_.end()) {
    if (admitted_.size() >= max_keys_) forget_idle(now);
    if (admitted_.size() >= max_keys_) {
      ++refused_;
      return {false, std::chrono::duration_cast<std::chrono::seconds>(window_)};
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

std::uint64_t RateLimiter::refused() const noexcept {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace api
