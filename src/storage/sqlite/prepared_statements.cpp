#include "storage/sqlite/prepared_statements.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include "storage/sqlite/statement_span.hpp"

namespace storage::sqlite {

using namespace sqlite_api;

namespace {

[[noreturn]] void throw_sqlite_error(sqlite3* connection, int result) {
  throw DatabaseError(std::string(sqlite_code_name(result)), result, sqlite3_errmsg(connection));
}

}  // namespace

StatementCache::~StatementCache() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
}

sqlite3_stmt* StatementCache::statement(const char* sql) {
  for (const auto& [known, statement] : statements_) {
    if (known == sql) return statement;
  }
  sqlite3_stmt* statement = nullptr;
  // PERSISTENT: SQLite keeps it out of its short-lived lookaside memory.
  const int result =
      sqlite3_prepare_v3(connection_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (result != SQLITE_OK) {
    sqlite3_finalize(statement);
    throw_sqlite_error(connection_, result);
  }
  statements_.emplace_back(sql, statement);
  return statement;
}

Prepared::~Prepared() {
  // reset repeats the last step's error code, which was already reported by step().
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void Prepared::bind(int index, std::int64_t value) {
  const int result = sqlite3_bind_int64(statement_, index, value);
  if (result != SQLITE_OK) fail(result);
}

void Prepared::bind(int index, double value) {
  const int result = sqlite3_bind_double(statement_, index, value);
  if (result != SQLITE_OK) fail(result);
}

void Prepared::bind(int index, std::string_view value) {
  const int result = sqlite3_bind_text64(statement_, index, value.data(), value.size(),
                                         SQLITE_TRANSIENT, SQLITE_UTF8);
  if (result != SQLITE_OK) fail(result);
}

bool Prepared::step() {
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  fail(result);
}

std::int64_t Prepared::int64(int column) const noexcept {
  return sqlite3_column_int64(statement_, column);
}

double Prepared::real(int column) const noexcept {
  return sqlite3_column_double(statement_, column);
}

std::string Prepared::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  if (bytes == nullptr) return {};
  const int size = sqlite3_column_bytes(statement_, column);
  return std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

void Prepared::fail(int result) const {
  throw_sqlite_error(connection_, result);
}

void run_statement(StatementCache& cache, const char* sql) {
  Prepared statement(cache, sql);
  statement.step();
}

}  // namespace storage::sqlite
