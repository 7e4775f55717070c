#pragma once
// Statements prepared once per connection and reused, instead of being parsed and
// planned again on every call (SOCI's `sql << "..."` prepares and finalizes each time,
// which was half of a board read's CPU). Used for the hottest queries only: the token
// lookup (with the caller's user), the membership check, the board read (with the
// caller's role), the element list, and on the writer the element insert, the board's
// next seq and the event insert, plus the transaction statements.
//
// A StatementCache belongs to one connection and is used only by the thread that uses
// that connection (scope.hpp), so it needs no lock. A Prepared borrows one of
// its statements for one execution and resets it afterwards (which, in autocommit,
// also ends SQLite's read transaction), so the next use starts clean.
//
//   Use use(db, ctx, Access::read);
//   Prepared st(use.statements(), kUserByToken);
//   st.bind(1, hash);
//   if (st.step()) user = st.int64(0);

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// SQLite's handles as SOCI declares them (its header wraps sqlite3.h in namespace
// sqlite_api, whose include guard then hides the global declarations), forward-declared
// so that this header does not bring SQLite's API into the files that include it.
namespace sqlite_api {
struct sqlite3;
struct sqlite3_stmt;
}  // namespace sqlite_api

namespace storage::sqlite {

class StatementCache {
 public:
  explicit StatementCache(sqlite_api::sqlite3* connection) noexcept : connection_(connection) {}
  ~StatementCache();  // finalizes every statement; must run before the connection closes
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The statement for `sql`, prepared on first use. `sql` must be a string with static
  // storage (the repositories' constexpr query texts): the cache keys by its address.
  // Throws DatabaseError if SQLite cannot prepare it.
  sqlite_api::sqlite3_stmt* statement(const char* sql);
  sqlite_api::sqlite3* connection() const noexcept { return connection_; }

 private:
  sqlite_api::sqlite3* connection_;
  std::vector<std::pair<const char*, sqlite_api::sqlite3_stmt*>>
      statements_;  // a handful: linear search
};

class Prepared {
 public:
  Prepared(StatementCache& cache, const char* sql)
      : connection_(cache.connection()), statement_(cache.statement(sql)) {}
  ~Prepared();  // reset + clear bindings
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

  // Parameters are numbered from 1, in the order of their placeholders.
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view value);  // copied by SQLite (SQLITE_TRANSIENT)

  // Runs to the next row: true if there is one, false when done. Throws DatabaseError.
  bool step();

  // Columns of the current row, numbered from 0.
  std::int64_t int64(int column) const noexcept;
  double real(int column) const noexcept;
  std::string text(int column) const;  // NULL reads as ""

 private:
  [[noreturn]] void fail(int result) const;

  sqlite_api::sqlite3* connection_;
  sqlite_api::sqlite3_stmt* statement_;
};

// Runs a statement that returns no rows (BEGIN, COMMIT, SAVEPOINT ...) from `cache`.
// Throws DatabaseError.
void run_statement(StatementCache& cache, const char* sql);

}  // namespace storage::sqlite
