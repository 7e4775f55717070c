// Elements on SQLite. Style is stored as its JSON text.
#include <soci/soci.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <stdexcept>

#include "domain/clock.hpp"
#include "storage/sqlite/board_event_log.hpp"
#include "storage/sqlite/prepared_statements.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/scope.hpp"
#include "storage/sqlite/statement_span.hpp"
#include "storage/sqlite/transaction.hpp"

namespace storage::sqlite {

namespace {

// A page: the rows after the previous page's last (z_index, id), which the index
// elements_by_board reaches directly. One row more than asked says whether another page
// follows.
constexpr char kList[] =
    "SELECT id, board_id, kind, x, y, width, height, rotation, z_index, style, text, version, "
    "created_by, created_at, updated_at FROM elements WHERE board_id = :board_id AND (z_index, "
    "id) > (:after_z_index, :after_id) ORDER BY z_index, id LIMIT :limit";
// A whole board, in the same order.
constexpr char kListAll[] =
    "SELECT id, board_id, kind, x, y, width, height, rotation, z_index, style, text, version, "
    "created_by, created_at, updated_at FROM elements WHERE board_id = :board_id ORDER BY "
    "z_index, id";
constexpr char kFind[] =
    "SELECT id, board_id, kind, x, y, width, height, rotation, z_index, style, text, version, "
    "created_by, created_at, updated_at FROM elements WHERE board_id = :board_id AND id = :id";
// The board's existence and its element count (kept by triggers, migration 2) are read
// by the INSERT itself, under the write lock it holds: no row when the board is gone
// or full, instead of a foreign-key failure or one element too many.
constexpr char kInsert[] =
    "INSERT INTO elements (board_id, kind, x, y, width, height, rotation, z_index, style, text, "
    "version, created_by, created_at, updated_at) SELECT id, :kind, :x, :y, :width, :height, "
    ":rotation, :z_index, :style, :text, 1, :created_by, :created_at, :updated_at FROM boards "
    "WHERE id = :board_id AND element_count < :max_elements RETURNING id";
// The version in the WHERE clause makes the check and the write one atomic step;
// RETURNING gives the element as stored, for its event.
constexpr char kUpdate[] =
    "UPDATE elements SET kind = :kind, x = :x, y = :y, width = :width, height = :height, "
    "rotation = :rotation, z_index = :z_index, style = :style, text = :text, version = version "
    "+ 1, updated_at = :updated_at WHERE board_id = :board_id AND id = :id AND version = "
    ":expected_version RETURNING id, board_id, kind, x, y, width, height, rotation, z_index, "
    "style, text, version, created_by, created_at, updated_at";
constexpr char kDelete[] = "DELETE FROM elements WHERE board_id = :board_id AND id = :id";

// One row of the SELECTs above, in their column order.
struct ElementRow {
  long long id = 0;
  long long board_id = 0;
  std::string kind;
  double x = 0, y = 0, width = 0, height = 0, rotation = 0;
  long long z_index = 0;
  std::string style;
  std::string text;
  long long version = 0;
  long long created_by = 0;
  long long created_at = 0;
  long long updated_at = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(board_id));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(x));
    st.exchange(soci::into(y));
    st.exchange(soci::into(width));
    st.exchange(soci::into(height));
    st.exchange(soci::into(rotation));
    st.exchange(soci::into(z_index));
    st.exchange(soci::into(style));
    st.exchange(soci::into(text));
    st.exchange(soci::into(version));
    st.exchange(soci::into(created_by));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
  }

  // From a kept-prepared statement, in the same column order.
  void read(const Prepared& st) {
    id = st.int64(0);
    board_id = st.int64(1);
    kind = st.text(2);
    x = st.real(3);
    y = st.real(4);
    width = st.real(5);
    height = st.real(6);
    rotation = st.real(7);
    z_index = st.int64(8);
    style = st.text(9);
    text = st.text(10);
    version = st.int64(11);
    created_by = st.int64(12);
    created_at = st.int64(13);
    updated_at = st.int64(14);
  }

  domain::Element element() const {
    const auto parsed_kind = domain::parse_element_kind(kind);
    if (!parsed_kind) throw std::runtime_error("unknown element kind in database: " + kind);
    boost::json::value parsed_style = boost::json::parse(style);
    if (!parsed_style.is_object()) throw std::runtime_error("element style is not an object");
    return domain::Element{id,
                           board_id,
                           *parsed_kind,
                           x,
                           y,
                           width,
                           height,
                           rotation,
                           z_index,
                           std::move(parsed_style.as_object()),
                           text,
                           version,
                           created_by,
                           domain::format_rfc3339(created_at),
                           domain::format_rfc3339(updated_at)};
  }
};

// Values bound by INSERT and UPDATE; they must outlive the statement.
struct ValueBinding {
  std::string kind;
  double x, y, width, height, rotation;
  long long z_index;
  std::string style;
  std::string text;

  explicit ValueBinding(const domain::ElementValues& v)
      : kind(domain::to_string(v.kind)),
        x(v.x),
        y(v.y),
        width(v.width),
        height(v.height),
        rotation(v.rotation),
        z_index(v.z_index),
        style(boost::json::serialize(v.style)),
        text(v.text) {}

  void bind(soci::statement& st) {
    st.exchange(soci::use(kind));
    st.exchange(soci::use(x));
    st.exchange(soci::use(y));
    st.exchange(soci::use(width));
    st.exchange(soci::use(height));
    st.exchange(soci::use(rotation));
    st.exchange(soci::use(z_index));
    st.exchange(soci::use(style));
    st.exchange(soci::use(text));
  }
};

}  // namespace

domain::PageOf<domain::Element> ElementRepository::list(const telemetry::Context& ctx,
                                                        domain::Id board_id,
                                                        const domain::Page& page) {
  // The board's canvas, read on every open: kept prepared.
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  const domain::SortKey after = page.after.value_or(domain::SortKey{kMin, kMin});
  Use use(db_, ctx, Access::read);
  domain::PageOf<domain::Element> result;
  traced(ctx, {"SELECT", "elements", kList}, [&] {
    Prepared st(use.statements(), kList);
    st.bind(1, board_id);
    st.bind(2, after.major);
    st.bind(3, after.minor);
    st.bind(4, page.limit + 1);
    ElementRow row;
    while (st.step()) {
      if (static_cast<std::int64_t>(result.items.size()) == page.limit) {
        const domain::Element& last = result.items.back();
        result.next = domain::SortKey{last.z_index, last.id};
        break;
      }
      row.read(st);
      result.items.push_back(row.element());
    }
  });
  return result;
}

std::vector<domain::Element> ElementRepository::list_on(const telemetry::Context& ctx, Use& use,
                                                        domain::Id board_id) {
  // The whole board, for a snapshot (bounded by the board's element cap).
  std::vector<domain::Element> elements;
  traced(ctx, {"SELECT", "elements", kListAll}, [&] {
    Prepared st(use.statements(), kListAll);
    st.bind(1, board_id);
    ElementRow row;
    while (st.step()) {
      row.read(st);
      elements.push_back(row.element());
    }
  });
  return elements;
}

std::optional<domain::Element> ElementRepository::find(const telemetry::Context& ctx,
                                                       domain::Id board_id, domain::Id element_id) {
  Use use(db_, ctx, Access::read);
  soci::session& sql = use.sql();
  long long board = board_id;
  long long id = element_id;
  ElementRow row;
  const bool got = traced(ctx, {"SELECT", "elements", kFind}, [&] {
    soci::statement st(sql);
    st.alloc();
    st.prepare(kFind);
    st.exchange(soci::use(board));
    st.exchange(soci::use(id));
    row.bind(st);
    st.define_and_bind();
    return st.execute(true);
  });
  if (!got) return std::nullopt;
  return row.element();
}

std::optional<domain::Recorded<domain::Element>> ElementRepository::insert(
    const telemetry::Context& ctx, domain::Id board_id, domain::Id created_by,
    const domain::ElementValues& values, domain::UnixMillis now, std::int64_t max_elements) {
  Use use(db_, ctx, Access::write);
  Transaction transaction(ctx, use);
  // Every create runs it: kept prepared.
  const std::string kind(domain::to_string(values.kind));
  const std::string style = boost::json::serialize(values.style);
  std::int64_t id = 0;
  const bool inserted = traced(ctx, {"INSERT", "elements", kInsert}, [&] {
    Prepared st(use.statements(), kInsert);
    st.bind(1, std::string_view(kind));
    st.bind(2, values.x);
    st.bind(3, values.y);
    st.bind(4, values.width);
    st.bind(5, values.height);
    st.bind(6, values.rotation);
    st.bind(7, values.z_index);
    st.bind(8, std::string_view(style));
    st.bind(9, std::string_view(values.text));
    st.bind(10, created_by);
    st.bind(11, now);
    st.bind(12, now);
    st.bind(13, board_id);
    st.bind(14, max_elements);
    if (!st.step()) return false;
    id = st.int64(0);
    return true;
  });
  if (!inserted) return std::nullopt;
  const std::string when = domain::format_rfc3339(now);
  domain::Element element{id,
                          board_id,
                          values.kind,
                          values.x,
                          values.y,
                          values.width,
                          values.height,
                          values.rotation,
                          values.z_index,
                          values.style,
                          values.text,
                          1,
                          created_by,
                          when,
                          when};
  domain::BoardEvent event = record_event(ctx, use, board_id, domain::event_type::element_created,
                                          now, domain::element_data(element));
  transaction.commit();
  return domain::Recorded<domain::Element>{std::move(element), std::move(event)};
}

std::optional<domain::Recorded<domain::Element>> ElementRepository::update_if_version(
    const telemetry::Context& ctx, domain::Id board_id, domain::Id element_id,
    std::int64_t expected_version, const domain::ElementValues& values, domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  long long board = board_id;
  long long id = element_id;
  long long expected = expected_version;
  long long at = now;
  ValueBinding bound(values);
  ElementRow row;
  Transaction transaction(ctx, use);
  const bool updated = traced(ctx, {"UPDATE", "elements", kUpdate}, [&] {
    soci::statement st(sql);
    st.alloc();
    st.prepare(kUpdate);
    bound.bind(st);
    st.exchange(soci::use(at));
    st.exchange(soci::use(board));
    st.exchange(soci::use(id));
    st.exchange(soci::use(expected));
    row.bind(st);
    st.define_and_bind();
    return st.execute(true);
  });
  if (!updated) return std::nullopt;
  domain::Element element = row.element();
  domain::BoardEvent event = record_event(ctx, use, board_id, domain::event_type::element_updated,
                                          now, domain::element_data(element));
  transaction.commit();
  return domain::Recorded<domain::Element>{std::move(element), std::move(event)};
}

std::optional<domain::BoardEvent> ElementRepository::remove(const telemetry::Context& ctx,
                                                            domain::Id board_id,
                                                            domain::Id element_id,
                                                            domain::UnixMillis now) {
  Use use(db_, ctx, Access::write);
  soci::session& sql = use.sql();
  long long board = board_id;
  long long id = element_id;
  Transaction transaction(ctx, use);
  const long long removed = traced(ctx, {"DELETE", "elements", kDelete}, [&] {
    soci::statement st = (sql.prepare << kDelete, soci::use(board), soci::use(id));
    st.execute(true);
    return st.get_affected_rows();
  });
  if (removed == 0) return std::nullopt;
  domain::BoardEvent event = record_event(ctx, use, board_id, domain::event_type::element_deleted,
                                          now, domain::element_deleted_data(element_id));
  transaction.commit();
  return event;
}

}  // namespace storage::sqlite
