#pragma once
// One CLIENT span per database statement, so each repository method states what it
// runs and this file says how it is traced (OpenTelemetry database semantic
// conventions): named "{db.operation.name} {db.collection.name}", with
// db.system.name, db.operation.name, db.collection.name and db.query.text (the
// parameterised SQL, placeholders only, never values). A failure sets status ERROR
// and error.type, logs a warning and rethrows; a SOCI error is rethrown as
// storage::DatabaseError, whose message leaves out the bound values that SOCI's
// what() may append (they can be password or token hashes).
//
//   constexpr char kFind[] = "SELECT id FROM users WHERE username = :username";
//   traced(ctx, {"SELECT", "users", kFind}, [&] { sql << kFind, soci::use(name), ...; });

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "telemetry/context.hpp"

namespace storage {

// A failed statement, with a message that is safe to log.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(std::string type, std::int64_t code, const std::string& message)
      : std::runtime_error(message), type_(std::move(type)), code_(code) {}
  const std::string& type() const noexcept { return type_; }  // "SQLITE_BUSY", ...
  std::int64_t code() const noexcept { return code_; }        // SQLite result code; -1 if none

 private:
  std::string type_;
  std::int64_t code_;
};

// Low-cardinality name of SQLite's primary result code ("SQLITE_BUSY"...), as
// error.type wants it.
std::string_view sqlite_code_name(int result) noexcept;

struct Statement {
  std::string_view operation;   // "SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN"...
  std::string_view collection;  // table name; empty for BEGIN/COMMIT/PRAGMA
  std::string_view query_text;  // exactly the SQL sent, with placeholders
};

class StatementSpan {
 public:
  StatementSpan(const telemetry::Context& ctx, const Statement& statement);
  StatementSpan(const StatementSpan&) = delete;
  StatementSpan& operator=(const StatementSpan&) = delete;

  // Context whose span is this statement's span.
  const telemetry::Context& context() const noexcept { return ctx_; }
  telemetry::Span& span() noexcept { return span_; }
  // Marks the statement failed with the exception now being handled and rethrows it
  // (a SOCI error as DatabaseError). Call only inside a catch block.
  [[noreturn]] void fail_and_rethrow();

 private:
  Statement statement_;
  telemetry::Span span_;
  telemetry::Context ctx_;
};

template <class F>
decltype(auto) traced(const telemetry::Context& ctx, const Statement& statement, F&& run) {
  StatementSpan span(ctx, statement);
  try {
    return std::forward<F>(run)();
  } catch (...) {
    span.fail_and_rethrow();
  }
}

}  // namespace storage
