#pragma once
// The schema, as an ordered list of migrations. Each one runs in its own
// transaction together with its row in schema_migrations (version, name,
// applied_at), so a crash leaves it either fully applied or not at all, and
// reopening applies only what is missing.

#include <soci/session.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "telemetry/context.hpp"

namespace storage::sqlite {

struct Migration {
  std::int64_t version;
  std::string_view name;
  std::vector<std::string_view> statements;  // SQLite prepares one statement at a time
};

const std::vector<Migration>& migrations();

// Applies the pending migrations; returns how many were applied. Throws
// std::runtime_error if the database was migrated by a newer build.
std::size_t migrate(const telemetry::Context& ctx, soci::session& sql);

}  // namespace storage::sqlite
