// Board events on SQLite: the seq counter on the board row, the events table, the
// catch-up and snapshot reads, and pruning.
#include "storage/sqlite/board_event_log.hpp"

#include <soci/soci.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "storage/sqlite/prepared_statements.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/scope.hpp"
#include "storage/sqlite/statement_span.hpp"
#include "storage/sqlite/transaction.hpp"

namespace storage::sqlite {

namespace {

constexpr char kNextSeq[] = "UPDATE boards SET seq = seq + 1 WHERE id = :id RETURNING seq";
constexpr char kInsertEvent[] =
    "INSERT INTO board_events (board_id, seq, type, at, data) VALUES (:board_id, :seq, :type, "
    ":at, :data)";
constexpr char kBoardSeq[] = "SELECT seq FROM boards WHERE id = :id";
constexpr char kOldestKept[] =
    "SELECT COALESCE(MIN(seq), 0) FROM board_events WHERE board_id = :id";
constexpr char kEventsAfter[] =
    "SELECT seq, type, at, data FROM board_events WHERE board_id = :id AND seq > :after ORDER BY "
    "seq LIMIT :limit";
constexpr char kPrune[] =
    "DELETE FROM board_events WHERE at < :cutoff OR seq <= (SELECT b.seq FROM boards b WHERE b.id "
    "= board_events.board_id) - :keep";
// A read transaction: the elements and the seq they are at come from one snapshot
// of the database (WAL readers see the state at their first read).
constexpr char kBeginRead[] = "BEGIN";
constexpr char kEndRead[] = "COMMIT";

// Ends a read transaction; a read has nothing to roll back, so COMMIT either way.
// Inside a scope the call already runs in a transaction (scope.hpp): nothing to do.
class ReadTransaction {
 public:
  ReadTransaction(const telemetry::Context& ctx, Use& use)
      : ctx_(ctx), sql_(use.sql()), own_(!use.in_transaction()) {
    if (own_) traced(ctx_, {"BEGIN", "", kBeginRead}, [&] { sql_ << kBeginRead; });
  }
  ~ReadTransaction() {
    if (!own_) return;
    try {
      traced(ctx_, {"COMMIT", "", kEndRead}, [&] { sql_ << kEndRead; });
    } catch (const std::exception&) {
      // Already on the span; nothing was written.
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  const telemetry::Context& ctx_;
  soci::session& sql_;
  bool own_;
};

boost::json::object parse_data(const std::string& text) {
  boost::json::value value = boost::json::parse(text);
  if (!value.is_object()) throw std::runtime_error("board event data is not an object");
  return std::move(value.as_object());
}

// The board's latest seq; nullopt when the board is gone.
std::optional<std::int64_t> board_seq(const telemetry::Context& ctx, soci::session& sql,
                                      domain::Id board_id) {
  long long id = board_id;
  long long current = 0;
  soci::indicator found = soci::i_null;
  traced(ctx, {"SELECT", "boards", kBoardSeq},
         [&] { sql << kBoardSeq, soci::use(id), soci::into(current, found); });
  if (!sql.got_data() || found != soci::i_ok) return std::nullopt;
  return current;
}

}  // namespace

std::int64_t next_seq(const telemetry::Context& ctx, Use& use, domain::Id board_id) {
  std::int64_t seq = 0;
  const bool got = traced(ctx, {"UPDATE", "boards", kNextSeq}, [&] {
    Prepared st(use.statements(), kNextSeq);
    st.bind(1, board_id);
    if (!st.step()) return false;
    seq = st.int64(0);
    return true;
  });
  if (!got) throw std::runtime_error("no board " + std::to_string(board_id) + " to number");
  return seq;
}

domain::BoardEvent record_event(const telemetry::Context& ctx, Use& use, domain::Id board_id,
                                std::string_view type, std::int64_t at, boost::json::object data) {
  domain::BoardEvent event =
      domain::make_event(board_id, next_seq(ctx, use, board_id), type, at, std::move(data));
  const std::string data_text = boost::json::serialize(event.data);
  traced(ctx, {"INSERT", "board_events", kInsertEvent}, [&] {
    Prepared st(use.statements(), kInsertEvent);
    st.bind(1, board_id);
    st.bind(2, event.seq);
    st.bind(3, type);
    st.bind(4, at);
    st.bind(5, std::string_view(data_text));
    st.step();
  });
  return event;
}

std::optional<domain::EventsAfter> BoardEventRepository::events_after(const telemetry::Context& ctx,
                                                                      domain::Id board_id,
                                                                      std::int64_t after,
                                                                      std::size_t limit) {
  Use use(db_, ctx, Access::read);
  soci::session& sql = use.sql();
  long long id = board_id;
  long long since = after;
  // One more than asked: that one tells that the catch-up would be too long.
  long long rows = static_cast<long long>(limit) + 1;
  const ReadTransaction read(ctx, use);

  const std::optional<std::int64_t> current = board_seq(ctx, sql, board_id);
  if (!current) return std::nullopt;

  domain::EventsAfter result;
  result.current_seq = *current;
  if (since >= *current) return result;
  long long oldest = 0;
  traced(ctx, {"SELECT", "board_events", kOldestKept},
         [&] { sql << kOldestKept, soci::use(id), soci::into(oldest); });
  // The first missed event (since + 1) must still be stored.
  if (oldest == 0 || oldest > since + 1) {
    result.complete = false;
    return result;
  }
  traced(ctx, {"SELECT", "board_events", kEventsAfter}, [&] {
    long long seq = 0;
    std::string type;
    long long at = 0;
    std::string data;
    soci::statement st =
        (sql.prepare << kEventsAfter, soci::use(id), soci::use(since), soci::use(rows),
         soci::into(seq), soci::into(type), soci::into(at), soci::into(data));
    for (bool more = st.execute(true); more; more = st.fetch()) {
      result.events.push_back(domain::make_event(board_id, seq, type, at, parse_data(data)));
    }
  });
  if (result.events.size() > limit) {
    result.events.clear();
    result.complete = false;
  }
  return result;
}

std::optional<domain::BoardSnapshot> BoardEventRepository::snapshot(const telemetry::Context& ctx,
                                                                    domain::Id board_id) {
  // The element list borrows its own connection: run both reads on this one instead,
  // inside one read transaction, so the seq and the elements agree.
  Use use(db_, ctx, Access::read);
  soci::session& sql = use.sql();
  const ReadTransaction read(ctx, use);
  const std::optional<std::int64_t> current = board_seq(ctx, sql, board_id);
  if (!current) return std::nullopt;
  domain::BoardSnapshot snapshot;
  snapshot.seq = *current;
  snapshot.elements = ElementRepository::list_on(ctx, use, board_id);
  return snapshot;
}

std::int64_t BoardEventRepository::prune(const telemetry::Context& ctx,
                                         domain::UnixMillis older_than,
                                         std::int64_t keep_per_board) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  long long cutoff = older_than;
  long long keep = keep_per_board;
  return traced(ctx, {"DELETE", "board_events", kPrune}, [&] {
    soci::statement st = (sql.prepare << kPrune, soci::use(cutoff), soci::use(keep));
    st.execute(true);
    return static_cast<std::int64_t>(st.get_affected_rows());
  });
}

}  // namespace storage::sqlite
