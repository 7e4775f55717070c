#pragma once
// A per-key sliding-window limit: at most `requests` admitted in any `window`. Keyed by
// client address for the browser-log endpoint, and by address and by account for
// logins and registrations (api/auth_limits.hpp).
//
// Memory is bounded: at most `max_keys` keys, `requests` timestamps each. A key whose
// window has passed is forgotten first. When every slot is still held by an active
// key, the policy decides:
// - refuse_new: the new key is refused (and counted); no one already tracked loses
//   their history (the browser-log endpoint);
// - evict_oldest: the key with the oldest latest request is forgotten (and counted),
//   so that a flood of new keys cannot lock everyone else out (the auth limits).
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
  enum class WhenFull { refuse_new, evict_oldest };

  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: wait at least this long (>= 1 s)
  };

  RateLimiter(std::size_t requests, std::chrono::seconds window, std::size_t max_keys,
              Clock clock = {}, WhenFull when_full = WhenFull::refuse_new);

  // Counts the request against `key` if it is admitted; refused requests do not count.
  Decision admit(std::string_view key);
  // Takes back one admitted request of `key` (it turned out not to count, e.g. a
  // login that succeeded). Does nothing for a key without one.
  void give_back(std::string_view key);

  std::uint64_t refused() const noexcept;
  std::uint64_t evicted() const noexcept;  // keys forgotten while still active
  std::size_t tracked() const noexcept;    // keys held now

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  void forget_idle(TimePoint now);  // holds mutex_
  void evict_oldest();              // holds mutex_

  std::size_t requests_;
  std::chrono::steady_clock::duration window_;
  std::size_t max_keys_;
  Clock clock_;
  WhenFull when_full_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<TimePoint>> admitted_;  // oldest first
  std::uint64_t refused_ = 0;
  std::uint64_t evicted_ = 0;
};

}  // namespace api
