#include <gtest/gtest.h>
#include <unistd.h>

#include "telemetry/trace/console_exporter.hpp"
#include "test_support.hpp"

namespace telemetry {
namespace {

SpanData example_span() {
  SpanData span;
  span.name = "GET /boards/{id}";
  span.kind = SpanKind::server;
  span.context.trace_id = *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  span.context.span_id = *SpanId::from_hex("00f067aa0ba902b7");
  span.context.flags = kFlagSampled;
  span.parent_span_id = *SpanId::from_hex("5d1c3a9f0b7e4a21");
  span.parent_is_remote = true;
  span.start_time = 1'700'000'000'000'000'000ULL;
  span.end_time = span.start_time + 12'345'000;
  span.status = StatusCode::error;
  span.status_message = "db \"locked\"";
  span.attributes = {{"http.request.method", std::string("GET")},
                     {"http.response.status_code", std::int64_t{500}},
                     {"ids", std::vector<std::int64_t>{1, 2}}};
  span.dropped_attributes = 2;
  span.events.push_back({"exception",
                         span.start_time + 3'210'000,
                         {{"exception.type", std::string("std::runtime_error")}},
                         0});
  return span;
}

TEST(ConsoleExporter, FormatsOneCompactBlockPerSpan) {
  EXPECT_EQ(format_span(example_span(), "realtime-board-api"),
            "span \"GET /boards/{id}\" server 12.345ms status=error \"db \\\"locked\\\"\" "
            "service=realtime-board-api\n"
            "  trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7 parent "
            "5d1c3a9f0b7e4a21 (remote) sampled\n"
            "  attr http.request.method=\"GET\" http.response.status_code=500 ids=[1,2] "
            "(2 attributes dropped)\n"
            "  event +3.210ms exception exception.type=\"std::runtime_error\"\n");
}

TEST(ConsoleExporter, WritesEveryBatchToItsFileDescriptor) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Resource resource;
  resource.set("service.name", std::string("svc"));
  ConsoleSpanExporter exporter(resource, fds[1]);
  EXPECT_EQ(exporter.describe(), "console");
  std::vector<SpanData> batch{example_span(), example_span()};
  batch[1].name = "second";
  batch[1].parent_span_id = SpanId{};
  const ExportResult result =
      exporter.export_spans(batch, std::chrono::steady_clock::now() + std::chrono::seconds(1));
  EXPECT_EQ(result.code, ExportResult::Code::success);
  close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  close(fds[0]);
  EXPECT_NE(text.find("span \"GET /boards/{id}\" server"), std::string::npos);
  EXPECT_NE(text.find("span \"second\" server"), std::string::npos);
  EXPECT_NE(text.find(" root sampled"), std::string::npos);
  EXPECT_NE(text.find("service=svc"), std::string::npos);
}

TEST(ConsoleExporter, FailedWriteIsReportedNotIgnored) {
  ConsoleSpanExporter exporter(Resource{}, -1);
  std::vector<SpanData> batch{example_span()};
  EXPECT_EQ(exporter.export_spans(batch, std::chrono::steady_clock::now()).code,
            ExportResult::Code::failure);
}

}  // namespace
}  // namespace telemetry
