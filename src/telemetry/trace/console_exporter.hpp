#pragma once
// OTEL_TRACES_EXPORTER=console: finished spans printed readably for local debugging,
// one compact block per span, to stderr or a given file descriptor:
//
//   span "GET /boards/{id}" server 12.345ms status=error "db locked"
//     trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7 parent 5d1c... (remote)
//     attr http.request.method="GET" http.response.status_code=500
//     event +3.210ms exception exception.type="std::runtime_error" ...

#include <string>

#include "telemetry/trace/exporter.hpp"
#include "telemetry/trace/resource.hpp"

namespace telemetry {

class ConsoleSpanExporter final : public SpanExporter {
 public:
  // The service name heads each block when several services print to one terminal.
  explicit ConsoleSpanExporter(const Resource& resource, int fd = 2);

  ExportResult export_spans(SpanBatch batch,
                            std::chrono::steady_clock::time_point deadline) noexcept override;
  bool force_flush(std::chrono::steady_clock::time_point) noexcept override { return true; }
  void shutdown(std::chrono::steady_clock::time_point) noexcept override {}
  std::string describe() const override { return "console"; }

 private:
  std::string service_name_;
  int fd_;
};

// One span's block, newline-terminated (what the exporter writes).
std::string format_span(const SpanData& span, std::string_view service_name = {});
std::string_view to_string(SpanKind kind) noexcept;
std::string_view to_string(StatusCode code) noexcept;

}  // namespace telemetry
