// The login and registration limits, driven by an injected clock (no sleeping).
#include "api/auth_limits.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
};

api::AuthLimitOptions options(FakeClock& clock) {
  api::AuthLimitOptions o;
  o.login_failures_per_account = {2, 60s};
  o.login_failures_per_address = {5, 60s};
  o.registrations_per_address = {1, 60s};
  o.clock = [&clock] { return clock.now; };
  return o;
}

// The Retry-After of the 429 that `f` throws, or nullopt when it does not throw.
template <class F>
std::optional<std::string> refusal(F&& f) {
  try {
    f();
  } catch (const http::ApiError& error) {
    EXPECT_EQ(error.status(), boost::beast::http::status::too_many_requests);
    EXPECT_EQ(error.code(), "rate_limited");
    for (const auto& [name, value] : error.headers) {
      if (name == "Retry-After") return value;
    }
    ADD_FAILURE() << "429 without Retry-After";
    return "";
  }
  return std::nullopt;
}

void fail_login(api::AuthLimits& limits, const char* address, const char* user) {
  auto attempt = limits.start_login(address, user);
  attempt.failed();
}

TEST(AuthLimits, FailuresPerAccountIgnoringCase) {
  FakeClock clock;
  api::AuthLimits limits(options(clock));
  fail_login(limits, "10.0.0.1", "alice");
  clock.now += 10s;
  fail_login(limits, "10.0.0.2", "ALICE");
  EXPECT_EQ(refusal([&] { (void)limits.start_login("10.0.0.3", "Alice"); }), "50");
  EXPECT_EQ(refusal([&] { (void)limits.start_login("10.0.0.3", "bob"); }), std::nullopt);
  clock.now += 50s;  // the first failure leaves the window
  EXPECT_EQ(refusal([&] { (void)limits.start_login("10.0.0.3", "alice"); }), std::nullopt);
}

TEST(AuthLimits, SuccessfulAttemptsAreGivenBack) {
  FakeClock clock;
  api::AuthLimits limits(options(clock));
  for (int i = 0; i < 10; ++i) {
    auto attempt = limits.start_login("10.0.0.1", "alice");  // not failed(): succeeded
  }
  fail_login(limits, "10.0.0.1", "alice");
  fail_login(limits, "10.0.0.1", "alice");
  EXPECT_NE(refusal([&] { (void)limits.start_login("10.0.0.1", "alice"); }), std::nullopt);
}

TEST(AuthLimits, FailuresPerAddressAcrossAccounts) {
  FakeClock clock;
  api::AuthLimits limits(options(clock));
  for (const char* user : {"a1", "a2", "a3", "a4", "a5"}) fail_login(limits, "10.0.0.9", user);
  EXPECT_NE(refusal([&] { (void)limits.start_login("10.0.0.9", "a6"); }), std::nullopt);
  // A refusal by address does not count against the account.
  EXPECT_EQ(refusal([&] { (void)limits.start_login("10.0.0.8", "a6"); }), std::nullopt);
}

TEST(AuthLimits, HugeUsernamesShareOneBoundedKey) {
  FakeClock clock;
  api::AuthLimits limits(options(clock));
  const std::string base(64, 'x');
  fail_login(limits, "10.0.0.1", (base + "1").c_str());
  fail_login(limits, "10.0.0.2", (base + std::string(100000, '2')).c_str());
  EXPECT_NE(refusal([&] { (void)limits.start_login("10.0.0.3", (base + "3").c_str()); }),
            std::nullopt);
}

TEST(AuthLimits, RegistrationsPerAddress) {
  FakeClock clock;
  api::AuthLimits limits(options(clock));
  EXPECT_EQ(refusal([&] { limits.start_registration("10.0.0.1"); }), std::nullopt);
  EXPECT_EQ(refusal([&] { limits.start_registration("10.0.0.1"); }), "60");
  EXPECT_EQ(refusal([&] { limits.start_registration("10.0.0.2"); }), std::nullopt);
}

}  // namespace
