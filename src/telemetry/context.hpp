#pragma once
// What a unit of work carries so that it can be followed: its span and the
// request's identity (request id, user). Handlers, use cases and repositories take a
// `const Context&` explicitly; a thread-local "current span" would not survive a
// co_await that resumes on another thread.
//
//   void BoardRepository::find(const telemetry::Context& ctx, ...) {
//     auto span = ctx.span().start_child("SELECT boards", telemetry::SpanKind::client);
//     auto db = ctx.with_span(span);    // log lines below carry the child's span_id
//     db.debug("storage", "query", {{"rows", n}});
//   }

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "telemetry/logs/logger.hpp"
#include "telemetry/trace/span.hpp"

namespace telemetry {

// Owned by whoever serves the request (the HTTP session); lives as long as it does.
struct RequestIdentity {
  std::string request_id;
  std::optional<std::int64_t> user_id;  // set once authentication succeeds
};

class Context {
 public:
  Context(const logs::Logger& logger, Span& span, RequestIdentity& identity) noexcept
      : logger_(&logger), span_(&span), identity_(&identity) {}

  Span& span() const noexcept { return *span_; }
  const logs::Logger& logger() const noexcept { return *logger_; }
  const std::string& request_id() const noexcept { return identity_->request_id; }
  std::optional<std::int64_t> user_id() const noexcept { return identity_->user_id; }
  // The request's identity, shared by every Context of the request (a Context is a
  // view, like a span of mutable data): authentication records the user there once,
  // and every later log line and the access line of the request carry it.
  RequestIdentity& identity() const noexcept { return *identity_; }

  // Same request, work nested under `child`: its log lines carry the child's span id.
  Context with_span(Span& child) const noexcept { return Context(*logger_, child, *identity_); }

  // Writes a line with trace_id, span_id, request_id and user_id attached. A line
  // at error level is also recorded on the span as an event, so it shows in the trace.
  void log(logs::Level level, std::string_view target, std::string_view message,
           std::initializer_list<logs::Field> fields = {}) const noexcept;

  void debug(std::string_view target, std::string_view message,
             std::initializer_list<logs::Field> fields = {}) const noexcept {
    log(logs::Level::debug, target, message, fields);
  }
  void info(std::string_view target, std::string_view message,
            std::initializer_list<logs::Field> fields = {}) const noexcept {
    log(logs::Level::info, target, message, fields);
  }
  void warn(std::string_view target, std::string_view message,
            std::initializer_list<logs::Field> fields = {}) const noexcept {
    log(logs::Level::warn, target, message, fields);
  }
  void error(std::string_view target, std::string_view message,
             std::initializer_list<logs::Field> fields = {}) const noexcept {
    log(logs::Level::error, target, message, fields);
  }

 private:
  const logs::Logger* logger_;
  Span* span_;
  RequestIdentity* identity_;
};

}  // namespace telemetry
