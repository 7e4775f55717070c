// Boards and their members on SQLite.
#include <soci/soci.h>

#include <limits>
#include <stdexcept>

#include "domain/clock.hpp"
#include "domain/errors.hpp"
#include "storage/sqlite/board_event_log.hpp"
#include "storage/sqlite/prepared_statements.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/scope.hpp"
#include "storage/sqlite/statement_span.hpp"
#include "storage/sqlite/transaction.hpp"

namespace storage::sqlite {

namespace {

constexpr char kInsertBoard[] =
    "INSERT INTO boards (name, description, owner_id, created_at, updated_at) VALUES (:name, "
    ":description, :owner_id, :created_at, :updated_at) RETURNING id";
constexpr char kInsertOwner[] =
    "INSERT INTO board_members (board_id, user_id, role, added_at) VALUES (:board_id, "
    ":user_id, 'owner', :added_at)";
constexpr char kRoleOf[] =
    "SELECT role FROM board_members WHERE board_id = :board_id AND user_id = :user_id";
constexpr char kFindForMember[] =
    "SELECT b.id, b.name, b.description, b.owner_id, b.created_at, b.updated_at, m.role FROM "
    "boards b JOIN board_members m ON m.board_id = b.id WHERE b.id = :board_id AND m.user_id = "
    ":user_id";
// Pages walk the index board_members_by_user downwards from the previous page's last
// board; one row more than asked says whether another page follows.
constexpr char kListForMember[] =
    "SELECT b.id, b.name, b.description, b.owner_id, b.created_at, b.updated_at, m.role FROM "
    "boards b JOIN board_members m ON m.board_id = b.id WHERE m.user_id = :user_id AND "
    "m.board_id < :before_id ORDER BY m.board_id DESC LIMIT :limit";
// A NULL parameter keeps the column as it is (COALESCE), so one statement serves
// every combination of present fields.
constexpr char kUpdateBoard[] =
    "UPDATE boards SET name = COALESCE(:name, name), description = COALESCE(:description, "
    "description), updated_at = :updated_at WHERE id = :id RETURNING id, name, description, "
    "owner_id, created_at, updated_at, 'owner'";
constexpr char kDeleteBoard[] = "DELETE FROM boards WHERE id = :id";
constexpr char kBoardExists[] = "SELECT 1 FROM boards WHERE id = :id";
// The board's existence and its member count are read by the INSERT itself, under the
// write lock it holds: no row when the board is gone or full (or the user is already a
// member), instead of a foreign-key failure or one member too many. Members are few
// (the cap), so counting them is cheap.
constexpr char kInsertMember[] =
    "INSERT INTO board_members (board_id, user_id, role, added_at) SELECT b.id, :user_id, "
    ":role, :added_at FROM boards b WHERE b.id = :board_id AND (SELECT COUNT(*) FROM "
    "board_members c WHERE c.board_id = b.id) < :max_members ON CONFLICT DO NOTHING";
constexpr char kListMembers[] =
    "SELECT m.user_id, u.username, m.role, m.added_at FROM board_members m JOIN users u ON u.id "
    "= m.user_id WHERE m.board_id = :board_id AND (m.added_at, m.user_id) > (:after_added_at, "
    ":after_user_id) ORDER BY m.added_at, m.user_id LIMIT :limit";
// The owner's row is left alone by the statement itself: no row, no change.
constexpr char kUpdateMember[] =
    "UPDATE board_members SET role = :role WHERE board_id = :board_id AND user_id = :user_id AND "
    "role <> 'owner' RETURNING added_at";
constexpr char kDeleteMember[] =
    "DELETE FROM board_members WHERE board_id = :board_id AND user_id = :user_id";
constexpr char kUsernameOf[] = "SELECT username FROM users WHERE id = :id";

domain::Role role_from_column(const std::string& text) {
  const auto role = domain::parse_role(text);
  if (!role) throw std::runtime_error("unknown role in board_members: " + text);
  return *role;
}

// One row of the board SELECTs above.
struct BoardRow {
  long long id = 0;
  std::string name;
  std::string description;
  long long owner_id = 0;
  long long created_at = 0;
  long long updated_at = 0;
  std::string role;

  template <class Statement>
  void bind(Statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(name));
    st.exchange(soci::into(description));
    st.exchange(soci::into(owner_id));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(role));
  }

  // From a kept-prepared statement, in the same column order.
  void read(const Prepared& st) {
    id = st.int64(0);
    name = st.text(1);
    description = st.text(2);
    owner_id = st.int64(3);
    created_at = st.int64(4);
    updated_at = st.int64(5);
    role = st.text(6);
  }

  domain::Board board() const {
    return domain::Board{id,
                         name,
                         description,
                         owner_id,
                         domain::format_rfc3339(created_at),
                         domain::format_rfc3339(updated_at),
                         role_from_column(role)};
  }
};

long long affected(soci::statement& statement) {
  statement.execute(true);
  return statement.get_affected_rows();
}

}  // namespace

domain::Board BoardRepository::insert(const telemetry::Context& ctx, domain::Id owner_id,
                                      const domain::BoardDraft& draft, domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  std::string name = draft.name;
  std::string description = draft.description;
  long long owner = owner_id;
  long long at = now;
  long long id = 0;
  Transaction transaction(ctx, use);
  traced(ctx, {"INSERT", "boards", kInsertBoard}, [&] {
    sql << kInsertBoard, soci::use(name), soci::use(description), soci::use(owner), soci::use(at),
        soci::use(at), soci::into(id);
  });
  traced(ctx, {"INSERT", "board_members", kInsertOwner},
         [&] { sql << kInsertOwner, soci::use(id), soci::use(owner), soci::use(at); });
  transaction.commit();
  const std::string when = domain::format_rfc3339(now);
  return domain::Board{id,   std::move(name),    std::move(description), owner_id, when,
                       when, domain::Role::owner};
}

std::optional<domain::Role> BoardRepository::role_of(const telemetry::Context& ctx,
                                                     domain::Id board_id, domain::Id user_id) {
  // Every board and element request checks the caller's role: kept prepared.
  Use use(db_, ctx, Access::read);
  std::optional<std::string> role;
  traced(ctx, {"SELECT", "board_members", kRoleOf}, [&] {
    Prepared st(use.statements(), kRoleOf);
    st.bind(1, board_id);
    st.bind(2, user_id);
    if (st.step()) role = st.text(0);
  });
  if (!role) return std::nullopt;
  return role_from_column(*role);
}

std::optional<domain::Board> BoardRepository::find_for_member(const telemetry::Context& ctx,
                                                              domain::Id board_id,
                                                              domain::Id user_id) {
  // The board read (GET /api/boards/{id}): kept prepared.
  Use use(db_, ctx, Access::read);
  BoardRow row;
  const bool got = traced(ctx, {"SELECT", "boards", kFindForMember}, [&] {
    Prepared st(use.statements(), kFindForMember);
    st.bind(1, board_id);
    st.bind(2, user_id);
    if (!st.step()) return false;
    row.read(st);
    return true;
  });
  if (!got) return std::nullopt;
  return row.board();
}

domain::PageOf<domain::Board> BoardRepository::list_for_member(const telemetry::Context& ctx,
                                                               domain::Id user_id,
                                                               const domain::Page& page) {
  Use use(db_, ctx, Access::read);
  soci::session& sql = use.sql();
  long long user = user_id;
  long long before = page.after ? page.after->major : std::numeric_limits<std::int64_t>::max();
  long long limit = page.limit + 1;
  domain::PageOf<domain::Board> result;
  traced(ctx, {"SELECT", "boards", kListForMember}, [&] {
    BoardRow row;
    soci::statement st(sql);
    st.alloc();
    st.prepare(kListForMember);
    st.exchange(soci::use(user));
    st.exchange(soci::use(before));
    st.exchange(soci::use(limit));
    row.bind(st);
    st.define_and_bind();
    for (bool more = st.execute(true); more; more = st.fetch()) {
      if (static_cast<std::int64_t>(result.items.size()) == page.limit) {
        result.next = domain::SortKey{result.items.back().id, 0};
        break;
      }
      result.items.push_back(row.board());
    }
  });
  return result;
}

std::optional<domain::BoardEvent> BoardRepository::update(const telemetry::Context& ctx,
                                                          domain::Id board_id,
                                                          const domain::BoardPatch& patch,
                                                          domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  std::string name = patch.name.value_or("");
  soci::indicator name_ind = patch.name ? soci::i_ok : soci::i_null;
  std::string description = patch.description.value_or("");
  soci::indicator description_ind = patch.description ? soci::i_ok : soci::i_null;
  long long at = now;
  long long id = board_id;
  BoardRow row;
  Transaction transaction(ctx, use);
  const bool updated = traced(ctx, {"UPDATE", "boards", kUpdateBoard}, [&] {
    soci::statement st(sql);
    st.alloc();
    st.prepare(kUpdateBoard);
    st.exchange(soci::use(name, name_ind));
    st.exchange(soci::use(description, description_ind));
    st.exchange(soci::use(at));
    st.exchange(soci::use(id));
    row.bind(st);
    st.define_and_bind();
    return st.execute(true);
  });
  if (!updated) return std::nullopt;
  domain::BoardEvent event = record_event(ctx, use, board_id, domain::event_type::board_updated,
                                          now, domain::board_data(row.board()));
  transaction.commit();
  return event;
}

std::optional<domain::BoardEvent> BoardRepository::remove(const telemetry::Context& ctx,
                                                          domain::Id board_id,
                                                          domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  long long id = board_id;
  Transaction transaction(ctx, use);
  // The seq is taken before the row goes, so that live clients see board.deleted
  // after every other event of the board; the event itself goes with the board.
  long long seq = 0;
  bool exists = false;
  try {
    seq = next_seq(ctx, use, board_id);
    exists = true;
  } catch (const std::runtime_error&) {
    exists = false;
  }
  if (!exists) return std::nullopt;
  traced(ctx, {"DELETE", "boards", kDeleteBoard}, [&] {
    soci::statement st = (sql.prepare << kDeleteBoard, soci::use(id));
    return affected(st);
  });
  transaction.commit();
  return domain::make_event(board_id, seq, domain::event_type::board_deleted, now, {});
}

bool BoardRepository::exists(const telemetry::Context& ctx, domain::Id board_id) {
  Use use(db_, ctx, Access::read);
  soci::session& sql = use.sql();
  long long id = board_id;
  int found = 0;
  soci::indicator indicator = soci::i_null;
  traced(ctx, {"SELECT", "boards", kBoardExists},
         [&] { sql << kBoardExists, soci::use(id), soci::into(found, indicator); });
  return sql.got_data() && found == 1;
}

std::optional<domain::Recorded<domain::Member>> BoardRepository::add_member(
    const telemetry::Context& ctx, domain::Id board_id, domain::Id user_id, domain::Role role,
    domain::UnixMillis now, std::int64_t max_members) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  Transaction transaction(ctx, use);
  long long board = board_id;
  long long user = user_id;
  std::string role_text(domain::to_string(role));
  long long at = now;
  long long max = max_members;
  const long long inserted = traced(ctx, {"INSERT", "board_members", kInsertMember}, [&] {
    soci::statement st = (sql.prepare << kInsertMember, soci::use(user), soci::use(role_text),
                          soci::use(at), soci::use(board), soci::use(max));
    return affected(st);
  });
  if (inserted == 0) return std::nullopt;
  std::string username;
  traced(ctx, {"SELECT", "users", kUsernameOf},
         [&] { sql << kUsernameOf, soci::use(user), soci::into(username); });
  domain::Member member{user_id, std::move(username), role, domain::format_rfc3339(now)};
  domain::BoardEvent event = record_event(ctx, use, board_id, domain::event_type::member_added, now,
                                          domain::member_data(member));
  transaction.commit();
  return domain::Recorded<domain::Member>{std::move(member), std::move(event)};
}

domain::PageOf<domain::Member> BoardRepository::list_members(const telemetry::Context& ctx,
                                                             domain::Id board_id,
                                                             const domain::Page& page) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  const domain::SortKey after = page.after.value_or(domain::SortKey{kMin, kMin});
  Use use(db_, ctx, Access::read);
  soci::session& sql = use.sql();
  long long board = board_id;
  long long after_added_at = after.major;
  long long after_user = after.minor;
  long long limit = page.limit + 1;
  domain::PageOf<domain::Member> result;
  traced(ctx, {"SELECT", "board_members", kListMembers}, [&] {
    long long user = 0;
    std::string username;
    std::string role;
    long long added_at = 0;
    long long last_added_at = 0;
    soci::statement st = (sql.prepare << kListMembers, soci::use(board), soci::use(after_added_at),
                          soci::use(after_user), soci::use(limit), soci::into(user),
                          soci::into(username), soci::into(role), soci::into(added_at));
    for (bool more = st.execute(true); more; more = st.fetch()) {
      if (static_cast<std::int64_t>(result.items.size()) == page.limit) {
        result.next = domain::SortKey{last_added_at, result.items.back().user_id};
        break;
      }
      result.items.push_back(
          {user, username, role_from_column(role), domain::format_rfc3339(added_at)});
      last_added_at = added_at;
    }
  });
  return result;
}

std::optional<domain::Recorded<domain::Member>> BoardRepository::update_member(
    const telemetry::Context& ctx, domain::Id board_id, domain::Id user_id, domain::Role role,
    domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  Transaction transaction(ctx, use);
  long long board = board_id;
  long long user = user_id;
  std::string role_text(domain::to_string(role));
  long long added_at = 0;
  const bool updated = traced(ctx, {"UPDATE", "board_members", kUpdateMember}, [&] {
    sql << kUpdateMember, soci::use(role_text), soci::use(board), soci::use(user),
        soci::into(added_at);
    return sql.got_data();
  });
  if (!updated) return std::nullopt;
  std::string username;
  traced(ctx, {"SELECT", "users", kUsernameOf},
         [&] { sql << kUsernameOf, soci::use(user), soci::into(username); });
  domain::Member member{user_id, std::move(username), role, domain::format_rfc3339(added_at)};
  domain::BoardEvent event = record_event(ctx, use, board_id, domain::event_type::member_updated,
                                          now, domain::member_data(member));
  transaction.commit();
  return domain::Recorded<domain::Member>{std::move(member), std::move(event)};
}

std::optional<domain::BoardEvent> BoardRepository::remove_member(const telemetry::Context& ctx,
                                                                 domain::Id board_id,
                                                                 domain::Id user_id,
                                                                 domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  long long board = board_id;
  long long user = user_id;
  Transaction transaction(ctx, use);
  const long long removed = traced(ctx, {"DELETE", "board_members", kDeleteMember}, [&] {
    soci::statement st = (sql.prepare << kDeleteMember, soci::use(board), soci::use(user));
    return affected(st);
  });
  if (removed == 0) return std::nullopt;
  domain::BoardEvent event = record_event(ctx, use, board_id, domain::event_type::member_removed,
                                          now, domain::member_removed_data(user_id));
  transaction.commit();
  return event;
}

}  // namespace storage::sqlite
