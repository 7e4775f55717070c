// Reading one browser log event: what is accepted, and the field named for each problem.
#include "api/client_log_event.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/client_log_options.hpp"

namespace {

std::vector<std::string> error_fields(const api::ClientLogEventResult& result) {
  std::vector<std::string> fields;
  if (const auto* errors = std::get_if<std::vector<domain::FieldError>>(&result)) {
    for (const auto& e : *errors) fields.push_back(e.field);
  }
  return fields;
}

api::ClientLogEventResult read(std::string_view json) {
  return api::read_client_log_event(boost::json::parse(json));
}

TEST(ClientLogEvent, ReadsAFullEvent) {
  const auto result = read(R"({"level":"warn","message":"slow render",
      "timestamp":"2026-11-24T23:20:15.123Z","board_id":12,
      "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7",
      "fields":{"component":"canvas"}})");
  const auto* event = std::get_if<api::ClientLogEvent>(&result);
  ASSERT_NE(event, nullptr) << error_fields(result).size();
  EXPECT_EQ(event->level, telemetry::logs::Level::warn);
  EXPECT_EQ(event->message, "slow render");
  EXPECT_EQ(event->board_id, 12);
  ASSERT_TRUE(event->span.has_value());
  EXPECT_EQ(event->span->trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(event->span->span_id.to_hex(), "00f067aa0ba902b7");
  ASSERT_EQ(event->fields.size(), 1u);
  EXPECT_EQ(event->fields[0].first, "component");
}

TEST(ClientLogEvent, MinimalEventHasNoSpan) {
  const auto result = read(R"({"level":"info","message":"m","timestamp":"2026-01-01T00:00:00Z"})");
  const auto* event = std::get_if<api::ClientLogEvent>(&result);
  ASSERT_NE(event, nullptr);
  EXPECT_FALSE(event->span.has_value());
  EXPECT_FALSE(event->board_id.has_value());
}

TEST(ClientLogEvent, ReportsEveryProblem) {
  const auto fields = error_fields(read(R"({"level":"loud","message":"","timestamp":"now",
      "board_id":-1,"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","extra":true})"));
  const std::vector<std::string> expected{"level",    "message", "timestamp",
                                          "board_id", "span_id", "extra"};
  EXPECT_EQ(fields, expected);
}

TEST(ClientLogEvent, NonObjectIsAnEventError) {
  EXPECT_EQ(error_fields(read("[1]")), std::vector<std::string>{"event"});
}

TEST(ClientLogEvent, LevelNamesAreExact) {
  for (const char* level : {"WARN", "warning", "off", "fatal"}) {
    const std::string json = std::string(R"({"level":")") + level +
                             R"(","message":"m","timestamp":"2026-01-01T00:00:00Z"})";
    EXPECT_EQ(error_fields(read(json)), std::vector<std::string>{"level"}) << level;
  }
}

TEST(Rfc3339, AcceptsTheForms) {
  for (const char* text :
       {"2026-11-24T23:20:15Z", "2026-11-24T23:20:15.123Z", "2026-11-24t23:20:15.1z",
        "2024-02-29T00:00:00+01:00", "2026-06-30T23:59:60-05:30"}) {
    EXPECT_TRUE(api::is_rfc3339_date_time(text)) << text;
  }
}

TEST(Rfc3339, RejectsTheRest) {
  for (const char* text :
       {"", "2026-11-24", "2026-11-24T23:20:15", "2026-11-24 23:20:15Z", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-24T24:00:00Z",
        "2026-11-24T23:60:00Z", "2026-11-24T23:20:61Z", "2026-11-24T23:20:15.Z",
        "2026-11-24T23:20:15+0100", "2026-11-24T23:20:15+24:00", "2026-11-24T23:20:15Zjunk",
        "26-11-24T23:20:15Z",
        "2026-11-24T23:20:15.12345678901234567890123456789012345678901234567890Z"}) {
    EXPECT_FALSE(api::is_rfc3339_date_time(text)) << text;
  }
}

TEST(ClientLogRate, Parses) {
  const auto rate = api::parse_client_log_rate("20/10s");
  ASSERT_TRUE(rate.has_value());
  EXPECT_EQ(rate->requests, 20u);
  EXPECT_EQ(rate->window, std::chrono::seconds(10));
  EXPECT_TRUE(api::parse_client_log_rate("5/60").has_value());
  for (const char* bad : {"", "20", "0/10s", "20/0s", "x/10s", "20/ten", "-1/10s", "20/10ss"}) {
    EXPECT_FALSE(api::parse_client_log_rate(bad).has_value()) << bad;
  }
}

}  // namespace
