#include "storage/traced_statement.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <string>

namespace storage {

namespace {

std::string span_name(const Statement& statement) {
  std::string name(statement.operation);
  if (!statement.collection.empty()) {
    name += ' ';
    name += statement.collection;
  }
  return name;
}

}  // namespace

std::string_view sqlite_code_name(int result) noexcept {
  switch (result & 0xff) {
    case SQLITE_BUSY:
      return "SQLITE_BUSY";
    case SQLITE_LOCKED:
      return "SQLITE_LOCKED";
    case SQLITE_CONSTRAINT:
      return "SQLITE_CONSTRAINT";
    case SQLITE_READONLY:
      return "SQLITE_READONLY";
    case SQLITE_IOERR:
      return "SQLITE_IOERR";
    case SQLITE_CORRUPT:
      return "SQLITE_CORRUPT";
    case SQLITE_FULL:
      return "SQLITE_FULL";
    case SQLITE_CANTOPEN:
      return "SQLITE_CANTOPEN";
    case SQLITE_NOMEM:
      return "SQLITE_NOMEM";
    case SQLITE_INTERRUPT:
      return "SQLITE_INTERRUPT";
    case SQLITE_MISMATCH:
      return "SQLITE_MISMATCH";
    case SQLITE_ERROR:
      return "SQLITE_ERROR";
    default:
      return "SQLITE_OTHER";
  }
}

StatementSpan::StatementSpan(const telemetry::Context& ctx, const Statement& statement)
    : statement_(statement),
      span_(ctx.span().start_child(span_name(statement), telemetry::SpanKind::client)),
      ctx_(ctx.with_span(span_)) {
  if (span_.is_recording()) {
    span_.set_attribute("db.system.name", "sqlite");
    span_.set_attribute("db.operation.name", statement.operation);
    if (!statement.collection.empty()) {
      span_.set_attribute("db.collection.name", statement.collection);
    }
    span_.set_attribute("db.query.text", statement.query_text);
  }
}

void StatementSpan::fail_and_rethrow() {
  std::string type;
  std::string message;
  std::int64_t code = -1;
  try {
    throw;
  } catch (const soci::sqlite3_soci_error& error) {
    code = error.result();
    type = sqlite_code_name(error.result());
    message = error.get_error_message();
  } catch (const soci::soci_error& error) {
    type = "soci_error";
    message = error.get_error_message();
  } catch (const DatabaseError& error) {
    type = error.type();
    code = error.code();
    message = error.what();
  } catch (const std::exception& error) {
    // Not the database's failure (a domain rule thrown from inside the callback).
    span_.set_attribute("error.type", "std::exception");
    span_.set_status(telemetry::StatusCode::error, error.what());
    throw;
  }
  span_.set_attribute("error.type", type);
  if (code >= 0) span_.set_attribute("db.response.status_code", std::to_string(code));
  span_.set_status(telemetry::StatusCode::error, message);
  ctx_.warn("storage", "statement failed",
            {{"db.operation.name", statement_.operation},
             {"db.collection.name", statement_.collection},
             {"error.type", type},
             {"db.response.status_code", code},
             {"error.message", message}});
  throw DatabaseError(type, code, message);
}

}  // namespace storage
