#pragma once
// Time as the use cases see it: injectable so that expiry is tested without sleeping.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace domain {

using Clock = std::function<std::chrono::system_clock::time_point()>;

inline Clock system_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

inline std::int64_t to_unix_millis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// "2026-11-24T23:20:15.123Z"
std::string format_rfc3339(std::int64_t unix_millis);

}  // namespace domain
