#include "api/auth_limits.hpp"

namespace api {

namespace beast_http = boost::beast::http;

namespace {

RateLimiter limiter(const AuthRate& rate, const AuthLimitOptions& options) {
  return RateLimiter(rate.count, rate.window, options.max_tracked, options.clock,
                     RateLimiter::WhenFull::evict_oldest);
}

// Longer than any username can be (validation allows 32), so a real account never
// shares its key; it bounds what one key costs when a client sends a huge name.
constexpr std::size_t kMaxAccountKey = 64;

// The database compares usernames ignoring ASCII case, so "Alice" and "alice" are one
// account here too.
std::string account_key(std::string_view username) {
  std::string key(username.substr(0, kMaxAccountKey));
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

[[noreturn]] void refuse(std::chrono::seconds retry_after, std::string message) {
  http::ApiError error(beast_http::status::too_many_requests, "rate_limited", std::move(message));
  error.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  throw error;
}

}  // namespace

LoginAttempt::~LoginAttempt() {
  if (failed_) return;
  limits_->account_failures_.give_back(account_);
  limits_->address_failures_.give_back(address_);
}

AuthLimits::AuthLimits(const AuthLimitOptions& options)
    : account_failures_(limiter(options.login_failures_per_account, options)),
      address_failures_(limiter(options.login_failures_per_address, options)),
      registrations_(limiter(options.registrations_per_address, options)) {}

LoginAttempt AuthLimits::start_login(std::string_view address, std::string_view username) {
  std::string account = account_key(username);
  // One message for both limits: which one refused says nothing about the account.
  constexpr const char* kMessage = "too many failed logins; retry later";
  const auto by_address = address_failures_.admit(address);
  if (!by_address.allowed) refuse(by_address.retry_after, kMessage);
  const auto by_account = account_failures_.admit(account);
  if (!by_account.allowed) {
    address_failures_.give_back(address);
    refuse(by_account.retry_after, kMessage);
  }
  return LoginAttempt(*this, std::string(address), std::move(account));
}

void AuthLimits::start_registration(std::string_view address) {
  const auto decision = registrations_.admit(address);
  if (!decision.allowed) {
    refuse(decision.retry_after, "too many registrations from this address; retry later");
  }
}

}  // namespace api
