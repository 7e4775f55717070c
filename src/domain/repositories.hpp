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

#include "domain/board_events.hpp"
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
  // The methods that change a board record the change as the board's next event
  // (board_events.hpp) in the same transaction, and return it.

  // Applies the present fields and bumps updated_at; nullopt if the board is gone.
  virtual std::optional<BoardEvent> update(const telemetry::Context& ctx, Id board_id,
                                           const BoardPatch& patch, UnixMillis now) = 0;
  // Deletes the board with its members, elements and stored events; nullopt if it was
  // gone. The board.deleted event it returns has the board's next seq but is not
  // stored (there is no board left to catch up on).
  virtual std::optional<BoardEvent> remove(const telemetry::Context& ctx, Id board_id,
                                           UnixMillis now) = 0;
  virtual bool exists(const telemetry::Context& ctx, Id board_id) = 0;

  // Adds the membership unless the board is gone, the user is already a member, or the
  // board has `max_members` members; nullopt then. The checks and the write are one
  // atomic step, so neither concurrent adds nor a concurrent delete of the board get
  // past them.
  virtual std::optional<Recorded<Member>> add_member(const telemetry::Context& ctx, Id board_id,
                                                     Id user_id, Role role, UnixMillis now,
                                                     std::int64_t max_members) = 0;
  // In the order they joined; sort key {added_at, user_id}.
  virtual PageOf<Member> list_members(const telemetry::Context& ctx, Id board_id,
                                      const Page& page) = 0;
  // Gives a member other than the owner a new role; nullopt if the user is not a
  // member or is the owner (checked by the write itself).
  virtual std::optional<Recorded<Member>> update_member(const telemetry::Context& ctx, Id board_id,
                                                        Id user_id, Role role, UnixMillis now) = 0;
  // nullopt if the user was not a member.
  virtual std::optional<BoardEvent> remove_member(const telemetry::Context& ctx, Id board_id,
                                                  Id user_id, UnixMillis now) = 0;
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
  // The changes below are recorded as the board's next event in their transaction.
  // Inserts unless the board is gone or holds `max_elements` elements; nullopt then. The
  // checks and the write are one atomic step, as for BoardRepository::add_member.
  virtual std::optional<Recorded<Element>> insert(const telemetry::Context& ctx, Id board_id,
                                                  Id created_by, const ElementValues& values,
                                                  UnixMillis now, std::int64_t max_elements) = 0;
  // Writes `values` and version+1 only if the stored version is still
  // `expected_version`, and returns the element as stored; nullopt otherwise (or if
  // the element is gone).
  virtual std::optional<Recorded<Element>> update_if_version(const telemetry::Context& ctx,
                                                             Id board_id, Id element_id,
                                                             std::int64_t expected_version,
                                                             const ElementValues& values,
                                                             UnixMillis now) = 0;
  // nullopt if the element was not there.
  virtual std::optional<BoardEvent> remove(const telemetry::Context& ctx, Id board_id,
                                           Id element_id, UnixMillis now) = 0;
};

// The stored events of a board, for a client that reconnects, and their pruning.
struct EventsAfter {
  std::int64_t current_seq = 0;    // the board's latest seq
  std::vector<BoardEvent> events;  // seq > after, ascending, without gaps
  // False when some event after `after` was pruned, or more than `limit` follow:
  // the caller sends a snapshot instead.
  bool complete = true;
};

struct BoardSnapshot {
  std::int64_t seq = 0;  // the seq the elements are at, read in one transaction
  std::vector<Element> elements;
};

class BoardEventRepository {
 public:
  virtual ~BoardEventRepository() = default;
  // nullopt if the board does not exist.
  virtual std::optional<EventsAfter> events_after(const telemetry::Context& ctx, Id board_id,
                                                  std::int64_t after, std::size_t limit) = 0;
  virtual std::optional<BoardSnapshot> snapshot(const telemetry::Context& ctx, Id board_id) = 0;
  // Drops events recorded before `older_than`, and on each board all but its latest
  // `keep_per_board`; returns how many went.
  virtual std::int64_t prune(const telemetry::Context& ctx, UnixMillis older_than,
                             std::int64_t keep_per_board) = 0;
};

}  // namespace domain
