#pragma once
// Time as log lines show it: always UTC, always microseconds, so that lines from
// different hosts sort and compare as text.

#include <chrono>
#include <string>

namespace telemetry::logs {

// RFC 3339: "2026-11-24T23:20:15.123456Z".
void append_rfc3339_utc(std::string& out, std::chrono::system_clock::time_point time);

// Time of day only, for the human format: "23:20:15.123456".
void append_time_of_day_utc(std::string& out, std::chrono::system_clock::time_point time);

}  // namespace telemetry::logs
