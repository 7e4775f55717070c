// The per-key rate limiter (client logs, auth limits), driven by an injected clock (no
// sleeping).
#include "api/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  api::RateLimiter::Clock function() {
    return [this] { return now; };
  }
};

TEST(RateLimiter, AdmitsUpToTheLimitThenRefusesWithRetryAfter) {
  FakeClock clock;
  api::RateLimiter limiter(3, 10s, 100, clock.function());
  EXPECT_TRUE(limiter.admit("a").allowed);
  clock.now += 2s;
  EXPECT_TRUE(limiter.admit("a").allowed);
  EXPECT_TRUE(limiter.admit("a").allowed);
  const auto refused = limiter.admit("a");
  EXPECT_FALSE(refused.allowed);
  // The first request leaves the window 8 s from now.
  EXPECT_EQ(refused.retry_after, 8s);
  EXPECT_EQ(limiter.refused(), 1u);
}

TEST(RateLimiter, WindowSlides) {
  FakeClock clock;
  api::RateLimiter limiter(2, 10s, 100, clock.function());
  EXPECT_TRUE(limiter.admit("a").allowed);
  clock.now += 5s;
  EXPECT_TRUE(limiter.admit("a").allowed);
  EXPECT_FALSE(limiter.admit("a").allowed);
  clock.now += 5s;  // the first leaves the window
  EXPECT_TRUE(limiter.admit("a").allowed);
  EXPECT_FALSE(limiter.admit("a").allowed);
}

TEST(RateLimiter, RetryAfterRoundsUpAndIsAtLeastOneSecond) {
  FakeClock clock;
  api::RateLimiter limiter(1, 10s, 100, clock.function());
  EXPECT_TRUE(limiter.admit("a").allowed);
  clock.now += 9s + 900ms;
  const auto refused = limiter.admit("a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);
  clock.now += 100ms;
  EXPECT_TRUE(limiter.admit("a").allowed);
}

TEST(RateLimiter, RefusedRequestsDoNotCount) {
  FakeClock clock;
  api::RateLimiter limiter(1, 10s, 100, clock.function());
  EXPECT_TRUE(limiter.admit("a").allowed);
  for (int i = 0; i < 5; ++i) {
    clock.now += 1s;
    EXPECT_FALSE(limiter.admit("a").allowed);
  }
  clock.now += 5s;  // 10 s after the only admitted request
  EXPECT_TRUE(limiter.admit("a").allowed);
}

TEST(RateLimiter, KeysAreIndependent) {
  FakeClock clock;
  api::RateLimiter limiter(1, 10s, 100, clock.function());
  EXPECT_TRUE(limiter.admit("10.0.0.1").allowed);
  EXPECT_TRUE(limiter.admit("10.0.0.2").allowed);
  EXPECT_FALSE(limiter.admit("10.0.0.1").allowed);
}

TEST(RateLimiter, MemoryIsBoundedAndIdleKeysAreForgotten) {
  FakeClock clock;
  api::RateLimiter limiter(5, 10s, 2, clock.function());
  EXPECT_TRUE(limiter.admit("a").allowed);
  EXPECT_TRUE(limiter.admit("b").allowed);
  // Table full of active addresses: a new one is refused and counted.
  const auto refused = limiter.admit("c");
  EXPECT_FALSE(refused.allowed);
  EXPECT_GE(refused.retry_after, 1s);
  EXPECT_EQ(limiter.refused(), 1u);
  // Once "a" and "b" are idle for a window, their slots are reused.
  clock.now += 10s;
  EXPECT_TRUE(limiter.admit("c").allowed);
  EXPECT_TRUE(limiter.admit("d").allowed);
}

TEST(RateLimiter, EvictOldestPolicyForgetsTheLeastRecentlyActiveKey) {
  FakeClock clock;
  api::RateLimiter limiter(1, 10s, 2, clock.function(), api::RateLimiter::WhenFull::evict_oldest);
  EXPECT_TRUE(limiter.admit("a").allowed);
  clock.now += 1s;
  EXPECT_TRUE(limiter.admit("b").allowed);
  clock.now += 1s;
  // Full of active keys: "c" is admitted and "a", the oldest, is forgotten.
  EXPECT_TRUE(limiter.admit("c").allowed);
  EXPECT_EQ(limiter.evicted(), 1u);
  EXPECT_EQ(limiter.tracked(), 2u);
  EXPECT_FALSE(limiter.admit("b").allowed);  // "b" kept its history
  EXPECT_FALSE(limiter.admit("c").allowed);
}

TEST(RateLimiter, GiveBackReturnsOnePlace) {
  FakeClock clock;
  api::RateLimiter limiter(2, 10s, 100, clock.function());
  EXPECT_TRUE(limiter.admit("a").allowed);
  EXPECT_TRUE(limiter.admit("a").allowed);
  EXPECT_FALSE(limiter.admit("a").allowed);
  limiter.give_back("a");
  EXPECT_TRUE(limiter.admit("a").allowed);
  limiter.give_back("a");
  limiter.give_back("a");
  EXPECT_EQ(limiter.tracked(), 0u);  // a key with nothing admitted takes no memory
  limiter.give_back("never-seen");   // harmless
  EXPECT_EQ(limiter.tracked(), 0u);
}

}  // namespace
