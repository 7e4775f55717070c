// Test-only helper for tests/integration/test_otlp_export.py: builds the OTLP exporter
// from the OTEL_EXPORTER_OTLP_* environment exactly as the app does, then reads
// commands from stdin, one per line, and answers each with one JSON line on stdout:
//
//   describe                      -> {"describe":"otlp grpc http://..."}
//   fixed [deadline_ms]           -> exports the fixed span set (every field and type)
//   large [deadline_ms]           -> 24 spans of 256 KiB attributes (about 6 MiB)
//   batch N TAG [deadline_ms]     -> N spans named TAG-0..TAG-N-1 with distinct ids
//   shutdown                      -> shuts the exporter down
//
// Results: {"code":"success"|"failure","rejected":N,"message":"...","ms":T}. Log lines
// go to stderr as JSON ({"level","message",fields...}). Config errors: exit 2.

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "telemetry/export/otlp_exporter.hpp"
#include "telemetry/export/otlp_json_encoding.hpp"

namespace {

using namespace telemetry;

// The level names of the project's log lines (kept here so the probe needs only the
// Logger interface).
std::string_view level_name(logs::Level level) {
  constexpr std::string_view kNames[] = {"trace", "debug", "info", "warn", "error", "off"};
  return kNames[static_cast<std::size_t>(level)];
}

class StderrLogger final : public logs::Logger {
 public:
  bool enabled(logs::Level level, std::string_view) const noexcept override {
    return level >= logs::Level::debug;
  }
  void write(logs::Level level, std::string_view target, std::string_view message,
             std::span<const logs::Field> fields,
             const logs::Correlation*) const noexcept override {
    std::string line = "{\"level\":\"" + std::string(level_name(level)) + "\",\"target\":";
    otlp::append_json_string(target, line);
    line += ",\"message\":";
    otlp::append_json_string(message, line);
    for (const auto& field : fields) {
      line += ',';
      otlp::append_json_string(field.key, line);
      line += ':';
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>) {
              otlp::append_json_string(v, line);
            } else if constexpr (std::is_same_v<T, bool>) {
              line += v ? "true" : "false";
            } else {
              line += std::to_string(v);
            }
          },
          field.value);
    }
    line += "}\n";
    std::cerr << line << std::flush;
  }
};

TraceId trace_id(std::uint8_t seed) {
  TraceId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i)
    id.bytes[i] = static_cast<std::uint8_t>(seed * 16 + i + 1);
  return id;
}

SpanId span_id(std::uint32_t seed) {
  SpanId id;
  for (std::size_t i = 0; i < 4; ++i) id.bytes[i] = 0xee;
  for (std::size_t i = 0; i < 4; ++i)
    id.bytes[4 + i] = static_cast<std::uint8_t>(seed >> (24 - 8 * i));
  return id;
}

SpanData base_span(std::uint32_t n, std::string name, SpanKind kind) {
  SpanData span;
  span.context.trace_id = trace_id(1);
  span.context.span_id = span_id(n);
  span.context.flags = kFlagSampled;
  span.name = std::move(name);
  span.kind = kind;
  span.start_time = 1'700'000'000'000'000'000ULL + n * 1000;
  span.end_time = span.start_time + 123'456'789;
  return span;
}

// One of everything the exporter must carry: each kind, each attribute type, events,
// links, status, trace state, remote and local parents.
std::vector<SpanData> fixed_spans() {
  std::vector<SpanData> spans;
  SpanData server = base_span(1, "GET /boards/{board_id}", SpanKind::server);
  server.parent_span_id = span_id(0xabcdef);
  server.parent_is_remote = true;
  server.context.trace_state = "vendor=abc,rb=1";
  server.attributes = {
      {"http.request.method", std::string("GET")},
      {"http.response.status_code", std::int64_t{200}},
      {"big.int", std::int64_t{9007199254740993}},
      {"negative.int", std::int64_t{-42}},
      {"ratio", 0.25},
      {"cache.hit", false},
      {"unicode", std::string("caf\xc3\xa9 \xe2\x9c\x93 \"quoted\"\n")},
      {"tags", std::vector<std::string>{"a", "b"}},
      {"ints", std::vector<std::int64_t>{1, -2, 3}},
      {"doubles", std::vector<double>{1.5, -0.5}},
      {"bools", std::vector<bool>{true, false}},
  };
  server.events.push_back({"board.loaded",
                           server.start_time + 1000,
                           {{"elements", std::int64_t{17}}, {"source", std::string("db")}},
                           0});
  server.events.push_back({"exception",
                           server.start_time + 2000,
                           {{"exception.type", std::string("std::runtime_error")},
                            {"exception.message", std::string("boom")}},
                           1});
  server.status = StatusCode::error;
  server.status_message = "database unavailable";
  server.dropped_attributes = 3;
  server.dropped_events = 4;
  server.dropped_links = 5;
  SpanLink link;
  link.context.trace_id = trace_id(9);
  link.context.span_id = span_id(0x123456);
  link.context.flags = kFlagSampled;
  link.context.trace_state = "k=v";
  link.context.remote = true;
  link.attributes = {{"link.reason", std::string("websocket upgrade")}};
  link.dropped_attributes = 1;
  server.links.push_back(link);
  spans.push_back(server);

  const std::pair<SpanKind, const char*> kinds[] = {{SpanKind::internal, "render"},
                                                    {SpanKind::client, "SELECT boards"},
                                                    {SpanKind::producer, "publish"},
                                                    {SpanKind::consumer, "consume"}};
  std::uint32_t n = 2;
  for (const auto& [kind, name] : kinds) {
    SpanData child = base_span(n++, name, kind);
    child.parent_span_id = server.context.span_id;
    child.attributes = {{"step", std::int64_t{n}}};
    child.status = kind == SpanKind::client ? StatusCode::ok : StatusCode::unset;
    spans.push_back(std::move(child));
  }
  return spans;
}

std::vector<SpanData> large_spans() {
  std::vector<SpanData> spans;
  for (std::uint32_t i = 0; i < 24; ++i) {
    SpanData span = base_span(1000 + i, "large-" + std::to_string(i), SpanKind::internal);
    for (int a = 0; a < 4; ++a) {
      span.attributes.push_back({"blob." + std::to_string(a), std::string(64 * 1024, 'a' + a)});
    }
    spans.push_back(std::move(span));
  }
  return spans;
}

std::vector<SpanData> tagged_batch(std::uint32_t count, const std::string& tag) {
  static std::uint32_t next_id = 100'000;
  std::vector<SpanData> spans;
  for (std::uint32_t i = 0; i < count; ++i) {
    SpanData span = base_span(next_id++, tag + "-" + std::to_string(i), SpanKind::internal);
    span.context.trace_id = trace_id(2);
    spans.push_back(std::move(span));
  }
  return spans;
}

void print_result(const ExportResult& result, std::chrono::steady_clock::duration took) {
  std::string line = "{\"code\":\"";
  line += result.code == ExportResult::Code::success ? "success" : "failure";
  line += "\",\"rejected\":" + std::to_string(result.rejected_spans) + ",\"message\":";
  otlp::append_json_string(result.message, line);
  line += ",\"ms\":" +
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) + "}";
  std::cout << line << std::endl;
}

}  // namespace

int main() {
  OtlpConfig config;
  try {
    config = OtlpConfig::from_env(std::getenv);
  } catch (const OtlpConfigError& e) {
    for (const auto& error : e.errors()) std::cerr << "config error: " << error << "\n";
    return 2;
  }
  const auto logger = std::make_shared<StderrLogger>();
  Resource resource;
  resource.set("service.name", std::string("otlp-export-probe"));
  resource.set("service.instance.id", std::string("probe-1"));
  resource.set("probe.pid.even", true);
  resource.set("probe.version", std::int64_t{3});
  auto exporter = make_otlp_exporter(config, std::move(resource), logger);

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string command;
    in >> command;
    if (command == "describe") {
      std::string out = "{\"describe\":";
      otlp::append_json_string(exporter->describe(), out);
      std::cout << out << "}" << std::endl;
      continue;
    }
    if (command == "shutdown") {
      exporter->shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(1));
      std::cout << "{\"shutdown\":true}" << std::endl;
      continue;
    }
    std::vector<SpanData> spans;
    if (command == "fixed") {
      spans = fixed_spans();
    } else if (command == "large") {
      spans = large_spans();
    } else if (command == "batch") {
      std::uint32_t count = 0;
      std::string tag;
      in >> count >> tag;
      spans = tagged_batch(count, tag);
    } else {
      std::cout << "{\"error\":\"unknown command\"}" << std::endl;
      continue;
    }
    long deadline_ms = 20000;
    if (long given = 0; in >> given) deadline_ms = given;
    const auto start = std::chrono::steady_clock::now();
    const auto result =
        exporter->export_spans(spans, start + std::chrono::milliseconds(deadline_ms));
    print_result(result, std::chrono::steady_clock::now() - start);
  }
  return 0;
}
