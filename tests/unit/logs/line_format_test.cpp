// Golden lines: the exact bytes that Loki, Alloy and people read.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <regex>

#include "log_test_support.hpp"
#include "telemetry/logs/line_format.hpp"

namespace telemetry::logs {
namespace {

using testing::CapturingSink;
using testing::soon;
using testing::test_options;

SpanContext sample_span() {
  SpanContext span;
  span.trace_id = *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  span.span_id = *SpanId::from_hex("00f067aa0ba902b7");
  span.flags = kFlagSampled;
  return span;
}

// Writes one line through a real logger and returns exactly what the sink got.
std::string log_one(LoggerOptions options, Level level, std::string_view target,
                    std::string_view message, std::initializer_list<Field> fields,
                    const Correlation* correlation = nullptr) {
  auto sink = std::make_shared<CapturingSink>();
  options.extra_sink = sink;
  auto logger = make_logger(std::move(options));
  logger->write(level, target, message, {fields.begin(), fields.size()}, correlation);
  EXPECT_TRUE(logger->flush(soon()));
  return sink->text();
}

std::string json_line(Level level, std::string_view target, std::string_view message,
                      std::initializer_list<Field> fields, const Correlation* correlation = nullptr,
                      std::size_t max_value_bytes = 8192) {
  LoggerOptions options = test_options(nullptr);
  options.max_value_bytes = max_value_bytes;
  return log_one(std::move(options), level, target, message, fields, correlation);
}

std::string pretty_line(Level level, std::string_view target, std::string_view message,
                        std::initializer_list<Field> fields,
                        const Correlation* correlation = nullptr, bool color = false) {
  LoggerOptions options = test_options(nullptr);
  options.format = Format::pretty;
  options.color = color;
  return log_one(std::move(options), level, target, message, fields, correlation);
}

TEST(JsonLine, GoldenRequestLine) {
  const SpanContext span = sample_span();
  const Correlation correlation{&span, "req-7f3a", 42};
  EXPECT_EQ(json_line(Level::info, "http", "GET /api/boards/{id} 200",
                      {{"status", 200},
                       {"duration_ms", 1.25},
                       {"cached", false},
                       {"route", "/api/boards/{id}"},
                       {"bytes", std::int64_t{5120}}},
                      &correlation),
            R"({"timestamp":"2026-11-24T23:20:15.123456Z","level":"info","target":"http",)"
            R"("message":"GET /api/boards/{id} 200","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",)"
            R"("span_id":"00f067aa0ba902b7","request_id":"req-7f3a","user_id":42,"status":200,)"
            R"("duration_ms":1.25,"cached":false,"route":"/api/boards/{id}","bytes":5120})"
            "\n");
}

TEST(JsonLine, GoldenLineWithoutCorrelation) {
  EXPECT_EQ(json_line(Level::warn, "storage", "slow query", {{"ms", 250}}),
            R"({"timestamp":"2026-11-24T23:20:15.123456Z","level":"warn","target":"storage",)"
            R"("message":"slow query","ms":250})"
            "\n");
}

TEST(JsonLine, LokiDerivedFieldRegexFindsTheTraceId) {
  const SpanContext span = sample_span();
  const Correlation correlation{&span, "r", std::nullopt};
  const std::string line = json_line(Level::error, "api", "boom", {}, &correlation);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(line, match, std::regex(R"re("trace_id":"(\w+)")re")));
  EXPECT_EQ(match[1], "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(JsonLine, CorrelationPartsOnlyWhenKnown) {
  const SpanContext invalid;  // all-zero ids
  const Correlation only_request{&invalid, "req-1", std::nullopt};
  EXPECT_EQ(json_line(Level::debug, "auth", "m", {}, &only_request),
            R"({"timestamp":"2026-11-24T23:20:15.123456Z","level":"debug","target":"auth",)"
            R"("message":"m","request_id":"req-1"})"
            "\n");
  const Correlation only_user{nullptr, "", 7};
  EXPECT_NE(
      json_line(Level::info, "auth", "m", {}, &only_user).find(R"("message":"m","user_id":7})"),
      std::string::npos);
}

TEST(JsonLine, LevelStrings) {
  const std::pair<Level, const char*> cases[] = {{Level::trace, "trace"},
                                                 {Level::debug, "debug"},
                                                 {Level::info, "info"},
                                                 {Level::warn, "warn"},
                                                 {Level::error, "error"}};
  for (const auto& [level, name] : cases) {
    EXPECT_NE(json_line(level, "t", "m", {}).find(std::string(R"("level":")") + name + "\""),
              std::string::npos);
  }
}

TEST(JsonLine, NumbersAndBools) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::string line = json_line(Level::info, "t", "m",
                                     {{"max", std::numeric_limits<std::int64_t>::max()},
                                      {"min", std::numeric_limits<std::int64_t>::min()},
                                      {"third", 1.0 / 3.0},
                                      {"big", 1e300},
                                      {"nan", nan},
                                      {"inf", inf},
                                      {"ninf", -inf},
                                      {"yes", true}});
  EXPECT_NE(line.find(R"("max":9223372036854775807,"min":-9223372036854775808,)"
                      R"("third":0.3333333333333333,"big":1e+300,"nan":"NaN","inf":"Infinity",)"
                      R"("ninf":"-Infinity","yes":true})"),
            std::string::npos)
      << line;
  const auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("max").as_int64(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parsed.at("third").as_double(), 1.0 / 3.0);
}

TEST(JsonLine, ReservedFieldKeysArePrefixed) {
  const SpanContext span = sample_span();
  const Correlation correlation{&span, "req-1", std::nullopt};
  const std::string line =
      json_line(Level::info, "http", "real",
                {{"message", "fake"}, {"trace_id", "0000"}, {"level", "error"}}, &correlation);
  const auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("message").as_string(), "real");
  EXPECT_EQ(parsed.at("level").as_string(), "info");
  EXPECT_EQ(parsed.at("trace_id").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parsed.at("field.message").as_string(), "fake");
  EXPECT_EQ(parsed.at("field.trace_id").as_string(), "0000");
  EXPECT_EQ(parsed.at("field.level").as_string(), "error");
}

TEST(JsonLine, HostileValuesStayOnOneValidLine) {
  const std::string hostile = "x\"}\n{\"level\":\"error\"\r\x1b[2J\xff\xc0\xaf\x01";
  const std::string line =
      json_line(Level::info, "t\n", hostile, {{hostile, hostile}, {"k", hostile}});
  ASSERT_EQ(line.find('\n'), line.size() - 1);
  const auto parsed = boost::json::parse(line).as_object();
  EXPECT_EQ(parsed.at("level").as_string(), "info");
  EXPECT_EQ(parsed.at("target").as_string(), "t\n");
  EXPECT_EQ(parsed.at("message").as_string(),
            "x\"}\n{\"level\":\"error\"\r\x1b[2J\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x01");
  EXPECT_EQ(parsed.size(), 6u);  // timestamp, level, target, message, 2 fields
}

TEST(JsonLine, LongValuesAreTruncatedAndMarked) {
  const std::string value = std::string(20, 'v');
  const std::string line =
      json_line(Level::info, "t", std::string(30, 'm'), {{"body", value}, {"n", 1}}, nullptr, 16);
  EXPECT_NE(line.find(R"("message":"mmmmmmmmmmmmmmmm…[truncated 14 bytes]")"), std::string::npos)
      << line;
  EXPECT_NE(line.find(R"("body":"vvvvvvvvvvvvvvvv…[truncated 4 bytes]","n":1})"), std::string::npos)
      << line;
  EXPECT_NO_THROW(boost::json::parse(line));
}

TEST(PrettyLine, GoldenRequestLine) {
  const SpanContext span = sample_span();
  const Correlation correlation{&span, "req-7f3a", 42};
  EXPECT_EQ(pretty_line(Level::info, "http", "GET /api/boards/{id} 200",
                        {{"status", 200}, {"duration_ms", 1.25}, {"route", "/api/boards/{id}"}},
                        &correlation),
            "23:20:15.123456 INFO  http  GET /api/boards/{id} 200 status=200 duration_ms=1.25 "
            "route=/api/boards/{id} trace_id=4bf92f3577b34da6a3ce929d0e0e4736 "
            "span_id=00f067aa0ba902b7 request_id=req-7f3a user_id=42\n");
}

TEST(PrettyLine, GoldenColouredLine) {
  EXPECT_EQ(pretty_line(Level::error, "storage", "write failed", {{"table", "boards"}}, nullptr,
                        /*color=*/true),
            "\x1b[2m23:20:15.123456\x1b[0m \x1b[1;31mERROR\x1b[0m \x1b[36mstorage\x1b[0m  "
            "write failed \x1b[2mtable=\x1b[0mboards\n");
}

TEST(PrettyLine, ValuesAreQuotedAndEscaped) {
  const std::string line = pretty_line(Level::warn, "t", "multi\nline \x1b[31m",
                                       {{"path", "/a b"},
                                        {"empty", ""},
                                        {"quote", "say \"x\""},
                                        {"level", "fake"},
                                        {"ok", true},
                                        {"nan", std::numeric_limits<double>::quiet_NaN()}});
  EXPECT_EQ(line,
            "23:20:15.123456 WARN  t  multi\\nline \\x1b[31m path=\"/a b\" empty=\"\" "
            "quote=\"say \\\"x\\\"\" field.level=fake ok=true nan=NaN\n");
}

TEST(PrettyLine, NoColourCodesUnlessAsked) {
  EXPECT_EQ(pretty_line(Level::info, "t", "m", {{"k", 1}}).find('\x1b'), std::string::npos);
}

TEST(Timestamp, EpochAndLeapDay) {
  using namespace std::chrono;
  LineStyle style;
  std::string out;
  append_line(out, style,
              LineEvent{system_clock::time_point{}, Level::info, "t", "m", {}, nullptr});
  EXPECT_EQ(out.substr(0, 42), R"({"timestamp":"1970-01-01T00:00:00.000000Z")");
  out.clear();
  append_line(out, style,
              LineEvent{sys_days{year{2024} / 2 / 29} + hours{13} + microseconds{7},
                        Level::info,
                        "t",
                        "m",
                        {},
                        nullptr});
  EXPECT_EQ(out.substr(0, 42), R"({"timestamp":"2024-02-29T13:00:00.000007Z")");
}

}  // namespace
}  // namespace telemetry::logs
