#pragma once
// A per-key sliding-window limit: at most `requests` admitted in any `window`. Used for
// the unauthenticated browser-log endpoint, keyed by client address. Memory is bounded
// (`max_keys` addresses, `requests` timestamps each); when every slot is held by an
// active address, new addresses are refused and counted, never allowed to grow it.
// Thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace api {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: wait at least this long (>= 1 s)
  };

  RateLimiter(std::size_t requests, std::chrono::seconds window, std::size_t max_keys,
              Clock clock = {});

  // Counts the request against `key` if it is admitted; refused requests do not count.
  Decision admit(std::string_view key);

  std::uint64_t refused() const noexcept;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  void forget_idle(TimePoint now);  // holds mutex_

  std::size_t requests_;
  std::chrono::steady_clock::duration window_;
  std::size_t max_keys_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<TimePoint>> admitted_;  // oldest first
  std::uint64_t refused_ = 0;
};

}  // namespace api
