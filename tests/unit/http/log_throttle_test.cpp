#include "http/log_throttle.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using Clock = http::LogThrottle::Clock;

TEST(LogThrottleTest, OneLinePerIntervalCountingWhatWasHeldBack) {
  http::LogThrottle throttle(10s);
  const Clock::time_point start{};
  EXPECT_EQ(throttle.occurred(start + 1s), 1u);  // the first occurrence is logged at once
  for (int i = 0; i < 999; ++i) EXPECT_EQ(throttle.occurred(start + 2s), 0u);
  EXPECT_EQ(throttle.occurred(start + 11s), 1000u);  // 999 held back and this one
  EXPECT_EQ(throttle.occurred(start + 12s), 0u);
  EXPECT_EQ(throttle.take_pending(), 1u);
  EXPECT_EQ(throttle.take_pending(), 0u);
}

}  // namespace
