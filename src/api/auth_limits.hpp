#pragma once
// Limits on password guessing and account flooding, checked before any password is
// hashed:
// - login attempts that fail, per account (the username, case folded like the
//   database does) and per client address; an attempt is counted when it starts and
//   given back when it succeeds, so parallel guesses cannot slip past the limit;
// - registrations, per client address (every attempt counts).
// A refused request is 429 rate_limited with Retry-After. The answer depends only on
// what the client sent (username, address), never on whether the account exists.
// Each table is bounded (max_tracked keys of at most 64 bytes, `count` timestamps
// each) and evicts its least recently active key when full (see api/rate_limiter.hpp
// and ADR 013).

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "api/rate_limiter.hpp"
#include "http/error.hpp"

namespace api {

struct AuthRate {
  std::size_t count = 0;
  std::chrono::seconds window{0};
};

struct AuthLimitOptions {
  AuthRate login_failures_per_account{10, std::chrono::seconds(300)};
  AuthRate login_failures_per_address{50, std::chrono::seconds(300)};
  AuthRate registrations_per_address{20, std::chrono::seconds(3600)};
  std::size_t max_tracked = 10000;  // keys each table remembers
  // The limiters' clock; empty means std::chrono::steady_clock (tests inject one).
  std::function<std::chrono::steady_clock::time_point()> clock;
};

class AuthLimits;

// A login attempt that has been counted against its account and address. Unless
// failed() is called, the destructor gives the places back: a login that succeeds, or
// that ends before the password is checked (overload, database error), is no failure.
class LoginAttempt {
 public:
  LoginAttempt(AuthLimits& limits, std::string address, std::string account)
      : limits_(&limits), address_(std::move(address)), account_(std::move(account)) {}
  LoginAttempt(const LoginAttempt&) = delete;
  LoginAttempt& operator=(const LoginAttempt&) = delete;
  ~LoginAttempt();

  void failed() noexcept { failed_ = true; }

 private:
  AuthLimits* limits_;
  std::string address_;
  std::string account_;
  bool failed_ = false;
};

class AuthLimits {
 public:
  explicit AuthLimits(const AuthLimitOptions& options);

  // Counts a login attempt, or throws 429 rate_limited (http::ApiError) when the
  // account or the address has used up its failures.
  [[nodiscard]] LoginAttempt start_login(std::string_view address, std::string_view username);
  // Counts a registration, or throws 429 rate_limited.
  void start_registration(std::string_view address);

 private:
  friend class LoginAttempt;
  RateLimiter account_failures_;
  RateLimiter address_failures_;
  RateLimiter registrations_;
};

}  // namespace api
