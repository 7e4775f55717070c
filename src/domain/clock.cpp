#include "domain/clock.hpp"

#include <cstdio>
#include <ctime>

namespace domain {

namespace {

// The proleptic Gregorian date of a day counted from 1970-01-01 (the days-from-civil
// arithmetic on 400-year eras of 146,097 days, each starting on March 1st).
struct Date {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

Date date_of(std::int64_t days) {
  days += 719468;  // from 0000-03-01
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  return Date{year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

void put2(char* out, int value) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

// Years outside 1000..9999 (not written by this service, but representable): as
// strftime's %Y writes them.
std::string format_with_strftime(std::int64_t seconds, std::int64_t millis) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[48];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out(buffer, n);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis));
  out += fraction;
  return out;
}

}  // namespace

std::string format_rfc3339(std::int64_t unix_millis) {
  // Floor division so that times before 1970 still get a positive millisecond part.
  std::int64_t seconds = unix_millis / 1000;
  std::int64_t millis = unix_millis % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  // Written by hand, not with gmtime_r and strftime: every element of a list has two
  // timestamps, and the C library's path (time zone lock, format parsing) cost more than
  // the rest of the element's encoding.
  std::int64_t days = seconds / 86400;
  std::int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    days -= 1;
  }
  const Date date = date_of(days);
  if (date.year < 1000 || date.year > 9999) return format_with_strftime(seconds, millis);
  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  char buffer[24];
  const int year = static_cast<int>(date.year);
  put2(buffer, year / 100);
  put2(buffer + 2, year % 100);
  buffer[4] = '-';
  put2(buffer + 5, date.month);
  buffer[7] = '-';
  put2(buffer + 8, date.day);
  buffer[10] = 'T';
  put2(buffer + 11, static_cast<int>(second_of_day / 3600));
  buffer[13] = ':';
  put2(buffer + 14, static_cast<int>(second_of_day / 60 % 60));
  buffer[16] = ':';
  put2(buffer + 17, static_cast<int>(second_of_day % 60));
  buffer[19] = '.';
  buffer[20] = static_cast<char>('0' + millis / 100);
  put2(buffer + 21, static_cast<int>(millis % 100));
  buffer[23] = 'Z';
  return std::string(buffer, sizeof buffer);
}

}  // namespace domain
