#pragma once
// Keeps a warning that can repeat thousands of times a second (accept failing at the
// descriptor limit) to one log line per interval, and counts the ones held back so
// that the next line can say how many there were.

#include <chrono>
#include <cstdint>

namespace http {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LogThrottle(Clock::duration interval) : interval_(interval) {}

  // Counts one occurrence at `now`. Returns the number of occurrences the line written
  // now should report (this one and those held back since the last line), or 0 when
  // no line is due yet.
  std::uint64_t occurred(Clock::time_point now) {
    ++pending_;
    if (logged_once_ && now - last_line_ < interval_) return 0;
    logged_once_ = true;
    last_line_ = now;
    return take_pending();
  }

  // The occurrences held back since the last line (and forgets them): for a closing
  // line once the condition has ended.
  std::uint64_t take_pending() {
    const std::uint64_t count = pending_;
    pending_ = 0;
    return count;
  }

 private:
  Clock::duration interval_;
  Clock::time_point last_line_{};
  bool logged_once_ = false;
  std::uint64_t pending_ = 0;
};

}  // namespace http
