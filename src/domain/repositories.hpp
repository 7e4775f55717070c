#pragma once
// What the use cases need from storage, and nothing about how it is stored. SQLite
// implements these today (src/storage/sqlite); PostgreSQL can follow without
// touching the services or the handlers. Every method may block: call them only
// on the backend's executor (storage::Executor). Times are unix milliseconds here;
// entities carry them as RFC 3339.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.hpp"
#include "domain/inputs.hpp"
#include "telemetry/context.hpp"

namespace domain {

using UnixMillis = std::int64_t;

struct UserWithSecret {
  User user;
  std::string password_hash;  // libsodium's encoded Argon2id string
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // Throws DomainError(username_taken) if the name exists in any letter case.
  virtual User insert(const telemetry::Context& ctx, std::string_view username,
                      std::string_view password_hash, UnixMillis now) = 0;
  // Case-insensitive lookup.
  virtual std::optional<UserWithSecret> find_by_username(const telemetry::Context& ctx,
                                                         std::string_view username) = 0;
};

// A session's user and when the session ends.
struct SessionUser {
  User user;
  UnixMillis expires_at = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // `token_hash` is the hex SHA-256 of the token; the token itself is never stored.
  virtual void insert(const telemetry::Context& ctx, std::string_view token_hash, Id user_id,
                      UnixMillis created_at, UnixMillis expires_at) = 0;
  // The session's user and expiry in one statement (every authenticated request runs
  // it); nullopt if no session has this hash. An expired session is still returned:
  // the caller decides, and removes it.
  virtual std::optional<SessionUser> find_user_by_token(const telemetry::Context& ctx,
                                                        std::string_view token_hash) = 0;
  virtual void remove(const telemetry::Context& ctx, std::string_view token_hash) = 0;
  // Drops sessions that expired before `now`; returns how many.
  virtual std::int64_t remove_expired(const telemetry::Context& ctx, UnixMillis now) = 0;
};

// One page of a list, and the key to pass as Page::after for the next one (absent on
// the last page).
template <class T>
struct PageOf {
  std::vector<T> items;
  std::optional<SortKey> next;
};

class BoardRepository {
 public:
  virtual ~BoardRepository() = default;
  // Creates the board and its owner membership in one transaction.
  virtual Board insert(const telemetry::Context& ctx, Id owner_id, const BoardDraft& draft,
                       UnixMillis now) = 0;
  // The user's role on the board; nullopt if the board does not exist or the user
  // is not a member (callers must not tell the two apart).
  virtual std::optional<Role> role_of(const telemetry::Context& ctx, Id board_id, Id user_id) = 0;
  // The board with the user's role on it (my_role), in one statement; nullopt as for
  // role_of.
  virtual std::optional<Board> find_for_member(const telemetry::Context& ctx, Id board_id,
                                               Id user_id) = 0;
  // Boards the user is a member of (any role), newest first; sort key {id, 0}.
  virtual PageOf<Board> list_for_member(const telemetry::Context& ctx, Id user_id,
                                        const Page& page) = 0;
  // Applies the present fields and bumps updated_at; false if the board is gone.
  virtual bool update(const telemetry::Context& ctx, Id board_id, const BoardPatch& patch,
                      UnixMillis now) = 0;
  // Deletes the board with its members and elements; false if it was gone.
  virtual bool remove(const telemetry::Context& ctx, Id board_id) = 0;
  virtual bool exists(const telemetry::Context& ctx, Id board_id) = 0;

  // Adds the membership unless the board is gone, the user is already a member, or the
  // board has `max_members` members; nullopt then. The checks and the write are one
  // atomic step, so neither concurrent adds nor a concurrent delete of the board get
  // past them.
  virtual std::optional<Member> add_member(const telemetry::Context& ctx, Id board_id, Id user_id,
                                           Role role, UnixMillis now, std::int64_t max_members) = 0;
  // In the order they joined; sort key {added_at, user_id}.
  virtual PageOf<Member> list_members(const telemetry::Context& ctx, Id board_id,
                                      const Page& page) = 0;
  virtual bool remove_member(const telemetry::Context& ctx, Id board_id, Id user_id) = 0;
};

// Element fields as stored; what an insert or update writes.
struct ElementValues {
  ElementKind kind = ElementKind::rectangle;
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  double rotation = 0;
  std::int64_t z_index = 0;
  boost::json::object style;
  std::string text;
};

class ElementRepository {
 public:
  virtual ~ElementRepository() = default;
  // Ordered by z_index, then id; sort key {z_index, id}.
  virtual PageOf<Element> list(const telemetry::Context& ctx, Id board_id, const Page& page) = 0;
  virtual std::optional<Element> find(const telemetry::Context& ctx, Id board_id,
                                      Id element_id) = 0;
  // Inserts unless the board is gone or holds `max_elements` elements; nullopt then. The
  // checks and the write are one atomic step, as for BoardRepository::add_member.
  virtual std::optional<Element> insert(const telemetry::Context& ctx, Id board_id, Id created_by,
                                        const ElementValues& values, UnixMillis now,
                                        std::int64_t max_elements) = 0;
  // Writes `values` and version+1 only if the stored version is still
  // `expected_version`; false otherwise (or if the element is gone).
  virtual bool update_if_version(const telemetry::Context& ctx, Id board_id, Id element_id,
                                 std::int64_t expected_version, const ElementValues& values,
                                 UnixMillis now) = 0;
  virtual bool remove(const telemetry::Context& ctx, Id board_id, Id element_id) = 0;
};

}  // namespace domain
