#pragma once
// One browser log event of POST /api/telemetry/client, checked against the rules of
// docs/api.md. Reading never throws: an invalid event yields its list of problems so
// that the rest of the batch can still be accepted.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/errors.hpp"
#include "telemetry/logs/level.hpp"
#include "telemetry/trace/span_context.hpp"

namespace api {

inline constexpr std::size_t kClientMessageMaxBytes = 4096;
inline constexpr std::size_t kClientFieldsMax = 20;
inline constexpr std::size_t kClientFieldKeyMax = 64;
inline constexpr std::size_t kClientFieldValueMaxBytes = 1024;

struct ClientLogEvent {
  telemetry::logs::Level level = telemetry::logs::Level::info;
  std::string message;
  std::string timestamp;
  std::optional<std::int64_t> board_id;
  // Both or neither: a log line carries a trace only with a span.
  std::optional<telemetry::SpanContext> span;
  std::vector<std::pair<std::string, std::string>> fields;
};

using ClientLogEventResult = std::variant<ClientLogEvent, std::vector<domain::FieldError>>;

ClientLogEventResult read_client_log_event(const boost::json::value& value);

// RFC 3339 date-time: full-date "T" partial-time with seconds, optional fraction, and
// "Z" or a numeric offset. Letters in either case (RFC 3339, section 5.6 note); the
// date must exist (leap years), seconds may be 60 (leap second).
bool is_rfc3339_date_time(std::string_view text) noexcept;

}  // namespace api
