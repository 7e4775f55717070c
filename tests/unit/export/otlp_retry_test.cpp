// Which outcomes are retried, and when, with time and randomness passed in.

#include <gtest/gtest.h>

#include "telemetry/export/otlp_retry.hpp"

namespace telemetry::otlp {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

TEST(Classify, GrpcCodesFollowTheSpec) {
  EXPECT_EQ(classify_grpc_status(0, false), Outcome::success);
  for (int code : {1, 4, 10, 11, 14, 15}) {
    EXPECT_EQ(classify_grpc_status(code, false), Outcome::retryable) << code;
  }
  for (int code : {2, 3, 5, 6, 7, 9, 12, 13, 16}) {
    EXPECT_EQ(classify_grpc_status(code, false), Outcome::permanent) << code;
  }
  // RESOURCE_EXHAUSTED only when the server said when to come back.
  EXPECT_EQ(classify_grpc_status(8, false), Outcome::permanent);
  EXPECT_EQ(classify_grpc_status(8, true), Outcome::retryable);
}

TEST(Classify, HttpStatusesFollowTheSpec) {
  EXPECT_EQ(classify_http_status(200), Outcome::success);
  EXPECT_EQ(classify_http_status(202), Outcome::success);
  for (unsigned status : {429u, 502u, 503u, 504u}) {
    EXPECT_EQ(classify_http_status(status), Outcome::retryable) << status;
  }
  for (unsigned status : {400u, 401u, 403u, 404u, 413u, 500u, 501u}) {
    EXPECT_EQ(classify_http_status(status), Outcome::permanent) << status;
  }
}

TEST(RetryAfter, SecondsAndDates) {
  const auto now = std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + std::chrono::hours(8) +
                   std::chrono::minutes(49) + std::chrono::seconds(30);
  EXPECT_EQ(parse_retry_after("3", now), milliseconds(3000));
  EXPECT_EQ(parse_retry_after(" 0 ", now), milliseconds(0));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), milliseconds(7000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), milliseconds(0));
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-1", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("Sun, 32 Nov 1994 08:49:37 GMT", now));
}

class Backoff : public ::testing::Test {
 protected:
  RetryPolicy policy;  // 500 ms initial, x2, at most 5 s
  Clock::time_point now{};
  Clock::time_point far = now + std::chrono::hours(1);
};

TEST_F(Backoff, GrowsExponentiallyWithinJitterBounds) {
  // random01 = 0 gives the lower bound (half), just under 1 the full back-off.
  EXPECT_EQ(policy.next_delay(1, {}, now, far, 0.0), milliseconds(250));
  EXPECT_EQ(policy.next_delay(1, {}, now, far, 0.999999), milliseconds(499));
  EXPECT_EQ(policy.next_delay(2, {}, now, far, 0.0), milliseconds(500));
  EXPECT_EQ(policy.next_delay(3, {}, now, far, 0.0), milliseconds(1000));
  EXPECT_EQ(policy.next_delay(3, {}, now, far, 0.5), milliseconds(1500));
  // Capped at max_backoff.
  EXPECT_EQ(policy.next_delay(10, {}, now, far, 0.0), milliseconds(2500));
  EXPECT_EQ(policy.next_delay(10, {}, now, far, 0.999999), milliseconds(4999));
}

TEST_F(Backoff, HonoursTheServersDelay) {
  EXPECT_EQ(policy.next_delay(1, milliseconds(3000), now, far, 0.0), milliseconds(3000));
  EXPECT_EQ(policy.next_delay(7, milliseconds(0), now, far, 0.9), milliseconds(0));
}

TEST_F(Backoff, NeverWaitsPastTheDeadline) {
  EXPECT_FALSE(policy.next_delay(1, milliseconds(3000), now, now + milliseconds(2000), 0.0));
  EXPECT_FALSE(policy.next_delay(1, {}, now, now + milliseconds(260), 0.0));  // 250 + 20 > 260
  EXPECT_EQ(policy.next_delay(1, {}, now, now + milliseconds(270), 0.0), milliseconds(250));
  EXPECT_FALSE(policy.next_delay(1, {}, now + milliseconds(10), now, 0.0));
}

}  // namespace
}  // namespace telemetry::otlp
