#pragma once
// One CLIENT span per database statement, so each repository method states what it
// runs and this file says how it is traced (OpenTelemetry database semantic
// conventions): named "{db.operation.name} {db.collection.name}", with
// db.system.name, db.operation.name, db.collection.name and db.query.text (the
// parameterised SQL, placeholders only, never values). A failure sets status ERROR
// and error.type, logs a warning and rethrows; the backend turns its driver's error
// into storage::DatabaseError, whose message leaves out bound values (they can be
// password or token hashes).
//
// Backends wrap `traced` with their DatabaseSystem (see storage/sqlite/statement_span.hpp):
//   constexpr char kFind[] = "SELECT id FROM users WHERE username = :username";
//   traced(ctx, {"SELECT", "users", kFind}, [&] { sql << kFind, soci::use(name), ...; });

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "storage/slow_statements.hpp"
#include "telemetry/context.hpp"

namespace storage {

// A failed statement, with a message that is safe to log.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(std::string type, std::int64_t code, const std::string& message)
      : std::runtime_error(message), type_(std::move(type)), code_(code) {}
  const std::string& type() const noexcept { return type_; }  // "SQLITE_BUSY", ...
  std::int64_t code() const noexcept { return code_; }        // the driver's code; -1 if none

 private:
  std::string type_;
  std::int64_t code_;
};

// What a statement span needs to know of the backend that runs the statement.
struct DatabaseSystem {
  std::string_view name;  // db.system.name: "sqlite", "postgresql"
  // Called inside a catch block: the exception being handled as a DatabaseError when
  // it is the driver's failure, nullopt when it is not the database's (a domain rule
  // thrown from inside the statement's callback).
  std::optional<DatabaseError> (*classify_current_exception)();
};

struct Statement {
  std::string_view operation;   // "SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN"...
  std::string_view collection;  // table name; empty for BEGIN/COMMIT/PRAGMA
  std::string_view query_text;  // exactly the SQL sent, with placeholders
};

class StatementSpan {
 public:
  StatementSpan(const telemetry::Context& ctx, const DatabaseSystem& system,
                const Statement& statement);
  StatementSpan(const StatementSpan&) = delete;
  StatementSpan& operator=(const StatementSpan&) = delete;

  // Context whose span is this statement's span.
  const telemetry::Context& context() const noexcept { return ctx_; }
  telemetry::Span& span() noexcept { return span_; }
  // Marks the statement failed with the exception now being handled and rethrows it
  // (a driver error as DatabaseError). Call only inside a catch block.
  [[noreturn]] void fail_and_rethrow();

 private:
  const DatabaseSystem& system_;
  Statement statement_;
  telemetry::Span span_;
  telemetry::Context ctx_;
};

template <class F>
decltype(auto) traced(const telemetry::Context& ctx, const DatabaseSystem& system,
                      const Statement& statement, F&& run) {
  StatementSpan span(ctx, system, statement);
  const SlowStatementTimer timer(ctx, statement);
  try {
    return std::forward<F>(run)();
  } catch (...) {
    span.fail_and_rethrow();
  }
}

}  // namespace storage
