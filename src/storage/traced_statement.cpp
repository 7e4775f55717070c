#include "storage/traced_statement.hpp"

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

StatementSpan::StatementSpan(const telemetry::Context& ctx, const DatabaseSystem& system,
                             const Statement& statement)
    : system_(system),
      statement_(statement),
      span_(ctx.span().start_child(span_name(statement), telemetry::SpanKind::client)),
      ctx_(ctx.with_span(span_)) {
  if (span_.is_recording()) {
    span_.set_attribute("db.system.name", system.name);
    span_.set_attribute("db.operation.name", statement.operation);
    if (!statement.collection.empty()) {
      span_.set_attribute("db.collection.name", statement.collection);
    }
    span_.set_attribute("db.query.text", statement.query_text);
  }
}

void StatementSpan::fail_and_rethrow() {
  std::optional<DatabaseError> failure;
  try {
    throw;
  } catch (const DatabaseError& error) {
    failure = error;
  } catch (const std::exception& error) {
    failure = system_.classify_current_exception();
    if (!failure) {
      // Not the database's failure (a domain rule thrown from inside the callback).
      span_.set_attribute("error.type", "std::exception");
      span_.set_status(telemetry::StatusCode::error, error.what());
      throw;
    }
  }
  span_.set_attribute("error.type", failure->type());
  if (failure->code() >= 0) {
    span_.set_attribute("db.response.status_code", std::to_string(failure->code()));
  }
  span_.set_status(telemetry::StatusCode::error, failure->what());
  ctx_.warn("storage", "statement failed",
            {{"db.operation.name", statement_.operation},
             {"db.collection.name", statement_.collection},
             {"error.type", failure->type()},
             {"db.response.status_code", failure->code()},
             {"error.message", failure->what()}});
  throw *failure;
}

}  // namespace storage
