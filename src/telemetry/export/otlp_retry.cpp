#include "telemetry/export/otlp_retry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace telemetry::otlp {

Outcome classify_grpc_status(int grpc_code, bool has_retry_info) noexcept {
  switch (grpc_code) {
    case 0:  // OK
      return Outcome::success;
    case 1:   // CANCELLED
    case 4:   // DEADLINE_EXCEEDED
    case 10:  // ABORTED
    case 11:  // OUT_OF_RANGE
    case 14:  // UNAVAILABLE
    case 15:  // DATA_LOSS
      return Outcome::retryable;
    case 8:  // RESOURCE_EXHAUSTED
      return has_retry_info ? Outcome::retryable : Outcome::permanent;
    default:
      return Outcome::permanent;
  }
}

Outcome classify_http_status(unsigned status) noexcept {
  if (status >= 200 && status < 300) return Outcome::success;
  if (status == 429 || status == 502 || status == 503 || status == 504) return Outcome::retryable;
  return Outcome::permanent;
}

namespace {

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 IMF-fixdate) -> seconds since the epoch.
std::optional<std::int64_t> parse_imf_fixdate(std::string_view text) {
  if (text.size() != 29 || text[3] != ',' || text.substr(25) != " GMT") return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, value);
    if (ec != std::errc() || end != text.data() + at + length) return std::nullopt;
    return value;
  };
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto month_it = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  const auto day = number(5, 2), year = number(12, 4);
  const auto hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
  if (month_it == kMonths.end() || !day || !year || !hour || !minute || !second) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{
      std::chrono::year(*year),
      std::chrono::month(static_cast<unsigned>(month_it - kMonths.begin() + 1)),
      std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return days * 86400 + *hour * 3600 + *minute * 60 + *second;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now_utc) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(std::min<std::int64_t>(seconds, 86400) * 1000);
  }
  const auto at = parse_imf_fixdate(value);
  if (!at) return std::nullopt;
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now_utc.time_since_epoch()).count();
  return std::chrono::milliseconds(std::clamp<std::int64_t>(*at - now_s, 0, 86400) * 1000);
}

std::optional<std::chrono::milliseconds> RetryPolicy::next_delay(
    int retry, std::optional<std::chrono::milliseconds> server_delay,
    std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point deadline,
    double random01) const noexcept {
  std::chrono::milliseconds delay;
  if (server_delay) {
    delay = std::max(*server_delay, std::chrono::milliseconds(0));
  } else {
    const double growth = std::pow(multiplier, std::max(retry - 1, 0));
    const double backoff = std::min(static_cast<double>(initial_backoff.count()) * growth,
                                    static_cast<double>(max_backoff.count()));
    const double jitter = std::clamp(random01, 0.0, 1.0);
    delay = std::chrono::milliseconds(static_cast<std::int64_t>(backoff * (0.5 + 0.5 * jitter)));
  }
  if (now + delay + min_attempt_time > deadline) return std::nullopt;
  return delay;
}

}  // namespace telemetry::otlp
