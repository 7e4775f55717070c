// The tracing middleware seen from outside: what a request brings in (headers), what
// the exchange hands back (response headers), the span a collector receives and the
// access line the operator reads.

#include "telemetry/http/server_exchange.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "../trace/test_support.hpp"
#include "telemetry/propagation/request_id.hpp"

namespace {

using telemetry::SpanData;
using telemetry::SpanKind;
using telemetry::StatusCode;
using telemetry::http::IncomingRequest;
using telemetry::http::ServerExchange;
using telemetry::http::ServerExchangeOptions;
using telemetry::logs::Level;

constexpr std::string_view kIncomingTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kIncomingSpanId = "00f067aa0ba902b7";
constexpr std::string_view kIncomingTraceparent =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// Keeps each line with its fields and correlation ids as text, the way an operator
// reads them in the JSON log.
class AccessLog final : public telemetry::logs::Logger {
 public:
  struct Line {
    Level level;
    std::string target;
    std::string message;
    std::map<std::string, std::string> fields;  // also trace_id, span_id, request_id
  };

  bool enabled(Level, std::string_view) const noexcept override { return true; }

  void write(Level level, std::string_view target, std::string_view message,
             std::span<const telemetry::logs::Field> fields,
             const telemetry::logs::Correlation* correlation) const noexcept override {
    Line line{level, std::string(target), std::string(message), {}};
    for (const auto& field : fields) {
      std::string text;
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>) {
              text = std::string(v);
            } else {
              text = std::to_string(v);
            }
          },
          field.value);
      line.fields[std::string(field.key)] = text;
    }
    if (correlation != nullptr) {
      if (correlation->span != nullptr) {
        line.fields["trace_id"] = correlation->span->trace_id.to_hex();
        line.fields["span_id"] = correlation->span->span_id.to_hex();
      }
      line.fields["request_id"] = std::string(correlation->request_id);
    }
    std::lock_guard lock(mutex_);
    lines_.push_back(std::move(line));
  }

  std::vector<Line> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<Line> lines_;
};

std::string hex(const telemetry::TraceId& id) {
  return id.to_hex();
}
std::string hex(const telemetry::SpanId& id) {
  return id.to_hex();
}

const telemetry::AttributeValue* find_attribute(const SpanData& span, std::string_view key) {
  for (const auto& attribute : span.attributes) {
    if (attribute.key == key) return &attribute.value;
  }
  return nullptr;
}

std::optional<std::string> string_attribute(const SpanData& span, std::string_view key) {
  const auto* value = find_attribute(span, key);
  if (value == nullptr || !std::holds_alternative<std::string>(*value)) return std::nullopt;
  return std::get<std::string>(*value);
}

std::optional<std::int64_t> int_attribute(const SpanData& span, std::string_view key) {
  const auto* value = find_attribute(span, key);
  if (value == nullptr || !std::holds_alternative<std::int64_t>(*value)) return std::nullopt;
  return std::get<std::int64_t>(*value);
}

class ServerExchangeTest : public ::testing::Test {
 protected:
  IncomingRequest request(std::string_view method = "GET",
                          std::string_view path = "/api/boards/42") {
    IncomingRequest in;
    in.method = method;
    in.path = path;
    in.client_address = "192.0.2.7";
    in.user_agent = "curl/8.0";
    return in;
  }

  // Runs one exchange to completion; returns the response headers it produced.
  std::map<std::string, std::string> serve(const IncomingRequest& in, std::string_view route,
                                           unsigned status) {
    ServerExchange exchange(setup.tracer(), log, options, in, route);
    std::map<std::string, std::string> headers;
    exchange.for_each_response_header(
        [&](std::string_view name, std::string_view value) { headers[std::string(name)] = value; });
    exchange.finish(status, 17);
    return headers;
  }

  SpanData only_span() {
    const auto spans = setup.spans();
    EXPECT_EQ(spans.size(), 1u);
    return spans.empty() ? SpanData{} : spans.front();
  }

  AccessLog::Line only_line() {
    const auto lines = log.lines();
    EXPECT_EQ(lines.size(), 1u);
    return lines.empty() ? AccessLog::Line{} : lines.front();
  }

  telemetry::test::RecordingSetup setup;
  AccessLog log;
  ServerExchangeOptions options;
};

TEST_F(ServerExchangeTest, ContinuesAValidIncomingTraceparent) {
  IncomingRequest in = request();
  in.traceparent = kIncomingTraceparent;
  in.traceparent_count = 1;
  const auto headers = serve(in, "/api/boards/{id}", 200);

  const SpanData span = only_span();
  EXPECT_EQ(hex(span.context.trace_id), kIncomingTraceId);
  EXPECT_EQ(hex(span.parent_span_id), kIncomingSpanId);
  EXPECT_TRUE(span.parent_is_remote);
  EXPECT_EQ(span.kind, SpanKind::server);
  EXPECT_NE(hex(span.context.span_id), kIncomingSpanId);

  // The caller learns which span served it.
  const std::string expected_prefix =
      "00-" + std::string(kIncomingTraceId) + "-" + hex(span.context.span_id) + "-";
  ASSERT_TRUE(headers.count("traceparent"));
  EXPECT_EQ(headers.at("traceparent").substr(0, expected_prefix.size()), expected_prefix);
  EXPECT_EQ(headers.at("traceparent").size(), 55u);
  EXPECT_EQ(headers.at("traceresponse"), headers.at("traceparent"));
  EXPECT_EQ(headers.at("x-trace-id"), kIncomingTraceId);
  ASSERT_TRUE(headers.count("x-request-id"));
  EXPECT_TRUE(telemetry::propagation::is_valid_request_id(headers.at("x-request-id")));
}

TEST_F(ServerExchangeTest, AnInvalidTraceparentStartsANewTrace) {
  IncomingRequest in = request();
  in.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01";  // zero span id
  in.traceparent_count = 1;
  const auto headers = serve(in, "/api/boards/{id}", 200);

  const SpanData span = only_span();
  EXPECT_TRUE(span.context.trace_id.valid());
  EXPECT_NE(hex(span.context.trace_id), kIncomingTraceId);
  EXPECT_FALSE(span.parent_span_id.valid());
  EXPECT_FALSE(span.parent_is_remote);
  EXPECT_EQ(headers.at("x-trace-id"), hex(span.context.trace_id));
}

TEST_F(ServerExchangeTest, SeveralTraceparentHeadersStartANewTrace) {
  IncomingRequest in = request();
  in.traceparent = kIncomingTraceparent;
  in.traceparent_count = 2;
  serve(in, "/api/boards/{id}", 200);

  const SpanData span = only_span();
  EXPECT_NE(hex(span.context.trace_id), kIncomingTraceId);
  EXPECT_FALSE(span.parent_span_id.valid());
}

TEST_F(ServerExchangeTest, KeepsAValidIncomingRequestId) {
  IncomingRequest in = request();
  in.request_id = "gateway-7f3a:01";
  const auto headers = serve(in, "/api/boards/{id}", 200);

  EXPECT_EQ(headers.at("x-request-id"), "gateway-7f3a:01");
  EXPECT_EQ(only_line().fields["request_id"], "gateway-7f3a:01");
  EXPECT_EQ(string_attribute(only_span(), "http.request.id"), "gateway-7f3a:01");
}

TEST_F(ServerExchangeTest, ReplacesAnInvalidIncomingRequestId) {
  IncomingRequest in = request();
  in.request_id = "bad id\r\nx-injected: 1";
  const auto headers = serve(in, "/api/boards/{id}", 200);

  const std::string id = headers.at("x-request-id");
  EXPECT_NE(id, in.request_id);
  EXPECT_EQ(id.size(), telemetry::propagation::kUuidLength);
  EXPECT_TRUE(telemetry::propagation::is_valid_request_id(id));
  EXPECT_EQ(only_line().fields["request_id"], id);
}

TEST_F(ServerExchangeTest, SpanIsNamedByMethodAndRouteTemplate) {
  serve(request("PATCH", "/api/boards/42"), "/api/boards/{id}", 200);

  const SpanData span = only_span();
  EXPECT_EQ(span.name, "PATCH /api/boards/{id}");
  EXPECT_EQ(string_attribute(span, "http.request.method"), "PATCH");
  EXPECT_EQ(string_attribute(span, "http.route"), "/api/boards/{id}");
  EXPECT_EQ(string_attribute(span, "url.path"), "/api/boards/42");
  EXPECT_EQ(int_attribute(span, "http.response.status_code"), 200);
  EXPECT_EQ(span.status, StatusCode::unset);
}

TEST_F(ServerExchangeTest, ServerErrorMarksTheSpanAsError) {
  serve(request(), "/api/boards/{id}", 503);

  const SpanData span = only_span();
  EXPECT_EQ(int_attribute(span, "http.response.status_code"), 503);
  EXPECT_EQ(span.status, StatusCode::error);
  EXPECT_EQ(string_attribute(span, "error.type"), "503");
  EXPECT_EQ(only_line().level, Level::error);
}

TEST_F(ServerExchangeTest, ClientErrorLeavesTheSpanStatusUnset) {
  serve(request(), "/api/boards/{id}", 404);

  const SpanData span = only_span();
  EXPECT_EQ(int_attribute(span, "http.response.status_code"), 404);
  EXPECT_EQ(span.status, StatusCode::unset);
  EXPECT_FALSE(string_attribute(span, "error.type").has_value());
  EXPECT_EQ(only_line().level, Level::info);
}

TEST_F(ServerExchangeTest, AccessLineCarriesTheCorrelationIds) {
  IncomingRequest in = request();
  in.traceparent = kIncomingTraceparent;
  in.traceparent_count = 1;
  in.request_id = "req-1";
  serve(in, "/api/boards/{id}", 201);

  const SpanData span = only_span();
  AccessLog::Line line = only_line();
  EXPECT_EQ(line.level, Level::info);
  EXPECT_EQ(line.target, "http");
  EXPECT_EQ(line.message, "request completed");
  EXPECT_EQ(line.fields["trace_id"], kIncomingTraceId);
  EXPECT_EQ(line.fields["span_id"], hex(span.context.span_id));
  EXPECT_EQ(line.fields["request_id"], "req-1");
  EXPECT_EQ(line.fields["status"], "201");
  EXPECT_EQ(line.fields["route"], "/api/boards/{id}");
  EXPECT_EQ(line.fields["method"], "GET");
  EXPECT_EQ(line.fields["path"], "/api/boards/42");
  EXPECT_EQ(line.fields["bytes_out"], "17");
}

TEST_F(ServerExchangeTest, QuietRouteWritesItsAccessLineAtDebug) {
  options.quiet_routes = {"/healthz"};
  serve(request("GET", "/healthz"), "/healthz", 200);
  serve(request("GET", "/api/boards/42"), "/api/boards/{id}", 200);

  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].level, Level::debug);
  EXPECT_EQ(lines[0].fields.at("route"), "/healthz");
  EXPECT_EQ(lines[1].level, Level::info);
}

TEST_F(ServerExchangeTest, UnfinishedExchangeEndsWithStatus500) {
  {
    ServerExchange exchange(setup.tracer(), log, options, request(), "/api/boards/{id}");
    // A handler that threw before a response was written: finish() is never called.
  }

  const SpanData span = only_span();
  EXPECT_EQ(int_attribute(span, "http.response.status_code"), 500);
  EXPECT_EQ(span.status, StatusCode::error);
  AccessLog::Line line = only_line();
  EXPECT_EQ(line.fields["status"], "500");
  EXPECT_EQ(line.level, Level::error);
}

TEST_F(ServerExchangeTest, AbortedResponseIsAnErrorWithTheBytesWritten) {
  {
    ServerExchange exchange(setup.tracer(), log, options, request(), "/api/boards/{id}");
    exchange.abort(200, 65536, "write_timeout");
  }

  const SpanData span = only_span();
  EXPECT_EQ(int_attribute(span, "http.response.status_code"), 200);
  EXPECT_EQ(span.status, StatusCode::error);
  EXPECT_EQ(string_attribute(span, "error.type"), "write_timeout");
  AccessLog::Line line = only_line();
  EXPECT_EQ(line.level, Level::warn);
  EXPECT_EQ(line.message, "request aborted");
  EXPECT_EQ(line.fields["status"], "200");
  EXPECT_EQ(line.fields["bytes_out"], "65536");
  EXPECT_EQ(line.fields["reason"], "write_timeout");
}

TEST_F(ServerExchangeTest, AbortedQuietRouteIsStillAWarning) {
  options.quiet_routes = {"/healthz"};
  {
    ServerExchange exchange(setup.tracer(), log, options, request("GET", "/healthz"), "/healthz");
    exchange.abort(200, 0, "shutdown");
  }
  EXPECT_EQ(only_line().level, Level::warn);
}

TEST_F(ServerExchangeTest, CompletedRequestHasNoReasonField) {
  serve(request(), "/api/boards/{id}", 200);
  EXPECT_EQ(only_line().fields.count("reason"), 0u);
}

}  // namespace
