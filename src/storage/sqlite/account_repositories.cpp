// Users and sessions on SQLite.
#include <soci/soci.h>

#include "domain/clock.hpp"
#include "domain/errors.hpp"
#include "storage/sqlite/prepared_statements.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/scope.hpp"
#include "storage/sqlite/statement_span.hpp"

namespace storage::sqlite {

namespace {

// ON CONFLICT DO NOTHING + RETURNING: a taken name returns no row instead of an
// error, so no SQLite error code has to be parsed (and PostgreSQL reads the same).
constexpr char kInsertUser[] =
    "INSERT INTO users (username, password_hash, created_at) VALUES (:username, "
    ":password_hash, :created_at) ON CONFLICT DO NOTHING RETURNING id";
constexpr char kUserByName[] =
    "SELECT id, username, password_hash, created_at FROM users WHERE username = :username";

constexpr char kInsertSession[] =
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (:token_hash, "
    ":user_id, :created_at, :expires_at)";
// The session and its user in one trip. Traced as "SELECT sessions": a join is named
// after its first table, as the board reads are.
constexpr char kUserByToken[] =
    "SELECT u.id, u.username, u.created_at, s.expires_at FROM sessions s JOIN users u ON u.id = "
    "s.user_id WHERE s.token_hash = :token_hash";
constexpr char kDeleteSession[] = "DELETE FROM sessions WHERE token_hash = :token_hash";
constexpr char kDeleteExpired[] = "DELETE FROM sessions WHERE expires_at <= :now";

}  // namespace

domain::User UserRepository::insert(const telemetry::Context& ctx, std::string_view username,
                                    std::string_view password_hash, domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  std::string name(username);
  std::string hash(password_hash);
  long long created_at = now;
  long long id = 0;
  const bool inserted = traced(ctx, {"INSERT", "users", kInsertUser}, [&] {
    sql << kInsertUser, soci::use(name), soci::use(hash), soci::use(created_at), soci::into(id);
    return sql.got_data();
  });
  if (!inserted) {
    throw domain::DomainError(domain::ErrorCode::username_taken, "this username is taken");
  }
  return domain::User{id, std::move(name), domain::format_rfc3339(now)};
}

std::optional<domain::UserWithSecret> UserRepository::find_by_username(
    const telemetry::Context& ctx, std::string_view username) {
  Use use(db_, ctx, Access::read);
  soci::session& sql = use.sql();
  std::string name(username);
  long long id = 0;
  long long created_at = 0;
  domain::UserWithSecret found;
  const bool got = traced(ctx, {"SELECT", "users", kUserByName}, [&] {
    sql << kUserByName, soci::use(name), soci::into(id), soci::into(found.user.username),
        soci::into(found.password_hash), soci::into(created_at);
    return sql.got_data();
  });
  if (!got) return std::nullopt;
  found.user.id = id;
  found.user.created_at = domain::format_rfc3339(created_at);
  return found;
}

void SessionRepository::insert(const telemetry::Context& ctx, std::string_view token_hash,
                               domain::Id user_id, domain::UnixMillis created_at,
                               domain::UnixMillis expires_at) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  std::string hash(token_hash);
  long long user = user_id;
  long long created = created_at;
  long long expires = expires_at;
  traced(ctx, {"INSERT", "sessions", kInsertSession}, [&] {
    sql << kInsertSession, soci::use(hash), soci::use(user), soci::use(created), soci::use(expires);
  });
}

std::optional<domain::SessionUser> SessionRepository::find_user_by_token(
    const telemetry::Context& ctx, std::string_view token_hash) {
  // Every authenticated request runs this: a statement kept prepared.
  Use use(db_, ctx, Access::read);
  std::optional<domain::SessionUser> found;
  traced(ctx, {"SELECT", "sessions", kUserByToken}, [&] {
    Prepared st(use.statements(), kUserByToken);
    st.bind(1, token_hash);
    if (!st.step()) return;
    found = domain::SessionUser{
        domain::User{st.int64(0), st.text(1), domain::format_rfc3339(st.int64(2))}, st.int64(3)};
  });
  return found;
}

void SessionRepository::remove(const telemetry::Context& ctx, std::string_view token_hash) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  std::string hash(token_hash);
  traced(ctx, {"DELETE", "sessions", kDeleteSession},
         [&] { sql << kDeleteSession, soci::use(hash); });
}

std::int64_t SessionRepository::remove_expired(const telemetry::Context& ctx,
                                               domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  long long cutoff = now;
  return traced(ctx, {"DELETE", "sessions", kDeleteExpired}, [&] {
    soci::statement statement = (sql.prepare << kDeleteExpired, soci::use(cutoff));
    statement.execute(true);
    return static_cast<std::int64_t>(statement.get_affected_rows());
  });
}

}  // namespace storage::sqlite
