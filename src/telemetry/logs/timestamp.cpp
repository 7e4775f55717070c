#include "telemetry/logs/timestamp.hpp"

namespace telemetry::logs {

namespace {

char* put_digits(char* out, long long value, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// "HH:MM:SS.ffffff" (15 characters) for the microseconds since midnight.
char* put_time_of_day(char* out, std::chrono::microseconds since_midnight) noexcept {
  const long long us = since_midnight.count();
  out = put_digits(out, us / 3'600'000'000LL, 2);
  *out++ = ':';
  out = put_digits(out, us / 60'000'000LL % 60, 2);
  *out++ = ':';
  out = put_digits(out, us / 1'000'000LL % 60, 2);
  *out++ = '.';
  return put_digits(out, us % 1'000'000LL, 6);
}

}  // namespace

void append_rfc3339_utc(std::string& out, std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto us = time_point_cast<microseconds>(time);
  const auto day = floor<days>(us);
  const year_month_day date{day};
  char buf[32];
  char* p = buf;
  // Years outside 0..9999 do not occur in practice; the modulo keeps the width fixed.
  p = put_digits(p, (static_cast<int>(date.year()) % 10000 + 10000) % 10000, 4);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(date.month()), 2);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(date.day()), 2);
  *p++ = 'T';
  p = put_time_of_day(p, us - day);
  *p++ = 'Z';
  out.append(buf, p);
}

void append_time_of_day_utc(std::string& out, std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto us = time_point_cast<microseconds>(time);
  char buf[16];
  char* end = put_time_of_day(buf, us - floor<days>(us));
  out.append(buf, end);
}

}  // namespace telemetry::logs
