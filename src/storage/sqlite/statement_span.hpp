#pragma once
// Statement spans for SQLite: storage::traced with db.system.name "sqlite" and
// SOCI's and SQLite's errors turned into storage::DatabaseError (error.type is
// SQLite's primary result code name, "SQLITE_BUSY"...).
//
//   traced(ctx, {"SELECT", "users", kFind}, [&] { sql << kFind, ...; });

#include <string_view>
#include <utility>

#include "storage/traced_statement.hpp"

namespace storage::sqlite {

inline constexpr std::string_view kSystemName = "sqlite";

// The DatabaseSystem of every SQLite statement span.
const DatabaseSystem& database_system() noexcept;

// Low-cardinality name of SQLite's primary result code ("SQLITE_BUSY"...), as
// error.type wants it.
std::string_view sqlite_code_name(int result) noexcept;

template <class F>
decltype(auto) traced(const telemetry::Context& ctx, const Statement& statement, F&& run) {
  return storage::traced(ctx, database_system(), statement, std::forward<F>(run));
}

}  // namespace storage::sqlite
