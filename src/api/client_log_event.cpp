#include "api/client_log_event.hpp"

#include <boost/json/object.hpp>

#include "api/json_input.hpp"

namespace api {

namespace {

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& value) noexcept {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

int days_in_month(int year, int month) noexcept {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool is_field_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool is_field_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > kClientFieldKeyMax) return false;
  for (char c : key) {
    if (!is_field_key_char(c)) return false;
  }
  return true;
}

// Error names quote the key; keep a hostile key from making the error itself huge.
std::string shown_key(std::string_view key) {
  return std::string(key.substr(0, kClientFieldKeyMax)) +
         (key.size() > kClientFieldKeyMax ? "..." : "");
}

void read_fields(ObjectReader& reader, const boost::json::object& fields, ClientLogEvent& event) {
  if (fields.size() > kClientFieldsMax) {
    reader.add_error("fields",
                     "must have at most " + std::to_string(kClientFieldsMax) + " entries");
    return;
  }
  for (const auto& entry : fields) {
    const std::string_view key = entry.key();
    if (!is_field_key(key)) {
      reader.add_error("fields." + shown_key(key),
                       "keys must be 1-64 characters of A-Z a-z 0-9 _ . -");
      continue;
    }
    const auto* text = entry.value().if_string();
    if (text == nullptr) {
      reader.add_error("fields." + shown_key(key), "must be a string");
    } else if (text->size() > kClientFieldValueMaxBytes) {
      reader.add_error("fields." + shown_key(key), "must be at most 1024 bytes");
    } else {
      event.fields.emplace_back(std::string(key), std::string(*text));
    }
  }
}

}  // namespace

bool is_rfc3339_date_time(std::string_view text) noexcept {
  // 0000-00-00T00:00:00 is 19 characters; then [.fraction] then Z or +00:00.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || text.size() > 64) return false;
  if (!digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't') ||
      !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) ||
      text[16] != ':' || !digits(text, 17, 2, second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return false;
  }
  std::size_t pos = 19;
  if (text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return false;
  }
  if (pos >= text.size()) return false;
  if (text[pos] == 'Z' || text[pos] == 'z') return pos + 1 == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  int offset_hour = 0, offset_minute = 0;
  return pos + 6 == text.size() && digits(text, pos + 1, 2, offset_hour) && text[pos + 3] == ':' &&
         digits(text, pos + 4, 2, offset_minute) && offset_hour <= 23 && offset_minute <= 59;
}

ClientLogEventResult read_client_log_event(const boost::json::value& value) {
  const auto* object = value.if_object();
  if (object == nullptr) {
    return std::vector<domain::FieldError>{{"event", "must be a JSON object"}};
  }
  using Need = ObjectReader::Need;
  ObjectReader reader(*object);
  ClientLogEvent event;

  if (auto level = reader.string("level", Need::required)) {
    const auto parsed = telemetry::logs::parse_level(*level);
    // Only the five names, exactly: this is a wire format, not a config file.
    if (!parsed || *parsed == telemetry::logs::Level::off ||
        telemetry::logs::to_string(*parsed) != *level) {
      reader.add_error("level", "must be one of trace, debug, info, warn, error");
    } else {
      event.level = *parsed;
    }
  }
  if (auto message = reader.string("message", Need::required)) {
    if (message->empty() || message->size() > kClientMessageMaxBytes) {
      reader.add_error("message", "must be 1-4096 bytes");
    } else {
      event.message = std::move(*message);
    }
  }
  if (auto timestamp = reader.string("timestamp", Need::required)) {
    if (!is_rfc3339_date_time(*timestamp)) {
      reader.add_error("timestamp",
                       "must be an RFC 3339 date-time such as 2026-11-24T23:20:15.123Z");
    } else {
      event.timestamp = std::move(*timestamp);
    }
  }
  if (auto board_id = reader.integer("board_id")) {
    if (*board_id <= 0) {
      reader.add_error("board_id", "must be a positive integer");
    } else {
      event.board_id = *board_id;
    }
  }
  std::optional<telemetry::TraceId> trace_id;
  std::optional<telemetry::SpanId> span_id;
  if (auto text = reader.string("trace_id")) {
    trace_id = telemetry::TraceId::from_hex(*text);
    if (!trace_id || !trace_id->valid()) {
      reader.add_error("trace_id", "must be 32 lowercase hex digits, not all zero");
      trace_id.reset();
    }
  }
  if (auto text = reader.string("span_id")) {
    span_id = telemetry::SpanId::from_hex(*text);
    if (!span_id || !span_id->valid()) {
      reader.add_error("span_id", "must be 16 lowercase hex digits, not all zero");
      span_id.reset();
    }
  }
  if (object->contains("trace_id") != object->contains("span_id")) {
    reader.add_error(object->contains("trace_id") ? "span_id" : "trace_id",
                     "trace_id and span_id go together: send both or neither");
  }
  if (trace_id && span_id) {
    telemetry::SpanContext span;
    span.trace_id = *trace_id;
    span.span_id = *span_id;
    span.remote = true;
    event.span = span;
  }
  if (auto fields = reader.object("fields")) read_fields(reader, *fields, event);

  reader.reject_unknown_fields();
  if (!reader.errors().empty()) return std::move(reader.errors());
  return event;
}

}  // namespace api
