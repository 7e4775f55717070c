// What a trace backend receives from storage and the use cases: CLIENT spans per
// statement with the database semantic conventions, INTERNAL spans for hashing and
// authorization, errors marked, and never a secret or a bound value.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "domain/errors.hpp"
#include "domain/secrets.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/repositories.hpp"
#include "storage/traced_statement.hpp"
#include "storage_test_support.hpp"
#include "telemetry/trace/span_data.hpp"
#include "telemetry/trace/tracer.hpp"

namespace storage::test {
namespace {

using telemetry::SpanData;
using telemetry::SpanKind;

class KeepSpans final : public telemetry::SpanProcessor {
 public:
  explicit KeepSpans(std::shared_ptr<std::vector<SpanData>> out, std::shared_ptr<std::mutex> m)
      : out_(std::move(out)), mutex_(std::move(m)) {}
  void on_end(telemetry::FinishedSpan span) noexcept override {
    std::lock_guard lock(*mutex_);
    out_->push_back(*span);
  }
  bool force_flush(std::chrono::steady_clock::time_point) noexcept override { return true; }
  bool shutdown(std::chrono::steady_clock::time_point) noexcept override { return true; }

 private:
  std::shared_ptr<std::vector<SpanData>> out_;
  std::shared_ptr<std::mutex> mutex_;
};

std::string text_attribute(const SpanData& span, std::string_view key) {
  for (const auto& attribute : span.attributes) {
    if (attribute.key != key) continue;
    if (const auto* s = std::get_if<std::string>(&attribute.value)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&attribute.value)) return std::to_string(*i);
    if (const auto* b = std::get_if<bool>(&attribute.value)) return *b ? "true" : "false";
  }
  return "<absent>";
}

std::string everything_in(const SpanData& span) {
  std::string all = span.name + " " + span.status_message;
  for (const auto& attribute : span.attributes) all += " " + text_attribute(span, attribute.key);
  for (const auto& event : span.events) all += " " + event.name;
  return all;
}

class Tracing : public StorageTest {
 protected:
  Tracing() {
    telemetry::TracingConfig config;
    config.enabled = true;
    std::vector<std::unique_ptr<telemetry::SpanProcessor>> processors;
    processors.push_back(std::make_unique<KeepSpans>(spans_, mutex_));
    provider_ = telemetry::TracerProvider::create(std::move(config), telemetry::Resource{},
                                                  std::move(processors));
    root_ = provider_->tracer().start_span("POST /test", SpanKind::server, {});
    open_storage();
  }

  // A request context whose span is the recorded server span.
  telemetry::Context request() { return telemetry::Context(t.logger, root_, t.identity); }

  std::vector<SpanData> spans() {
    std::lock_guard lock(*mutex_);
    return *spans_;
  }
  std::vector<SpanData> named(std::string_view name) {
    std::vector<SpanData> out;
    for (auto& span : spans()) {
      if (span.name == name) out.push_back(span);
    }
    return out;
  }

  std::shared_ptr<std::vector<SpanData>> spans_ = std::make_shared<std::vector<SpanData>>();
  std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
  std::unique_ptr<telemetry::TracerProvider> provider_;
  telemetry::Span root_;
};

TEST_F(Tracing, EachStatementIsAClientSpanUnderTheCaller) {
  const auto ctx = request();
  storage->accounts().register_user(ctx, {"alice", "correct horse"});
  const auto inserts = named("INSERT users");
  ASSERT_EQ(inserts.size(), 1u);
  const SpanData& insert = inserts[0];
  EXPECT_EQ(insert.kind, SpanKind::client);
  EXPECT_EQ(insert.parent_span_id, root_.context().span_id);
  EXPECT_EQ(insert.context.trace_id, root_.context().trace_id);
  EXPECT_EQ(text_attribute(insert, "db.system.name"), "sqlite");
  EXPECT_EQ(text_attribute(insert, "db.operation.name"), "INSERT");
  EXPECT_EQ(text_attribute(insert, "db.collection.name"), "users");
  const std::string query = text_attribute(insert, "db.query.text");
  EXPECT_EQ(query.rfind("INSERT INTO users (username, password_hash, created_at)", 0), 0u) << query;
  EXPECT_NE(query.find(":username"), std::string::npos);
  EXPECT_EQ(insert.status, telemetry::StatusCode::unset);
}

TEST_F(Tracing, SpansNeverCarryPasswordsTokensOrBoundValues) {
  const auto ctx = request();
  storage->accounts().register_user(ctx, {"alice", "correct horse"});
  const domain::Session session = storage->accounts().login(ctx, {"alice", "correct horse"});
  storage->accounts().authenticate(ctx, session.token);
  storage->accounts().logout(ctx, session.token);
  const std::string hash = query_text("SELECT password_hash FROM users");
  ASSERT_FALSE(spans().empty());
  for (const SpanData& span : spans()) {
    const std::string all = everything_in(span);
    EXPECT_EQ(all.find("correct horse"), std::string::npos) << span.name;
    EXPECT_EQ(all.find(session.token), std::string::npos) << span.name;
    EXPECT_EQ(all.find(hash), std::string::npos) << span.name;
    EXPECT_EQ(all.find("alice"), std::string::npos) << span.name;  // bound values stay out
  }
}

TEST_F(Tracing, PasswordWorkAndAuthorizationAreInternalSpans) {
  const auto ctx = request();
  const domain::Id owner = storage->accounts().register_user(ctx, {"owner", "password1"}).id;
  const domain::Id viewer = storage->accounts().register_user(ctx, {"viewer", "password1"}).id;
  storage->accounts().login(ctx, {"owner", "password1"});
  const domain::Id board = storage->boards().create(ctx, owner, {"b", ""}).id;
  storage->boards().add_member(ctx, owner, board, "viewer", "viewer");
  domain::ElementDraft draft;
  draft.kind = "text";
  EXPECT_THROW(storage->elements().create(ctx, viewer, board, draft), domain::DomainError);

  EXPECT_EQ(named("password.hash").size(), 2u);
  ASSERT_EQ(named("password.verify").size(), 1u);
  EXPECT_EQ(named("password.verify")[0].kind, SpanKind::internal);
  EXPECT_EQ(text_attribute(named("password.verify")[0], "password.valid"), "true");

  const auto authorizations = named("authorize");
  ASSERT_EQ(authorizations.size(), 2u);  // add_member (allowed), create element (denied)
  const SpanData& denied = authorizations[1];
  EXPECT_EQ(denied.kind, SpanKind::internal);
  EXPECT_EQ(text_attribute(denied, "board.id"), std::to_string(board));
  EXPECT_EQ(text_attribute(denied, "authz.required_role"), "editor");
  EXPECT_EQ(text_attribute(denied, "authz.outcome"), "denied");
  EXPECT_EQ(text_attribute(authorizations[0], "authz.outcome"), "allowed");
  // The role lookup is a child of the authorize span.
  bool lookup_under_authorize = false;
  for (const SpanData& span : named("SELECT board_members")) {
    if (span.parent_span_id == denied.context.span_id) lookup_under_authorize = true;
  }
  EXPECT_TRUE(lookup_under_authorize);
}

// What GET /api/boards/{id} shows under its server span: the token and its user in one
// statement, then the board and the caller's role in one statement inside authorize.
TEST_F(Tracing, AnAuthenticatedBoardReadIsTwoStatements) {
  const auto ctx = request();
  const domain::Id owner = storage->accounts().register_user(ctx, {"owner", "password1"}).id;
  const domain::Id board = storage->boards().create(ctx, owner, {"b", ""}).id;
  const domain::Session session = storage->accounts().login(ctx, {"owner", "password1"});
  {
    std::lock_guard lock(*mutex_);
    spans_->clear();
  }

  const domain::User user = storage->accounts().authenticate(ctx, session.token);
  storage->boards().get(ctx, user.id, board);

  const auto all = spans();
  std::vector<std::string> names;
  for (const SpanData& span : all) names.push_back(span.name);
  // In the order they ended: a child before its parent.
  EXPECT_EQ(names, (std::vector<std::string>{"SELECT sessions", "SELECT boards", "authorize"}));
  ASSERT_EQ(all.size(), 3u);
  const SpanData& token = all[0];
  const SpanData& read = all[1];
  const SpanData& authorize = all[2];

  EXPECT_EQ(token.kind, SpanKind::client);
  EXPECT_EQ(token.parent_span_id, root_.context().span_id);
  EXPECT_EQ(text_attribute(token, "db.operation.name"), "SELECT");
  EXPECT_EQ(text_attribute(token, "db.collection.name"), "sessions");
  const std::string query = text_attribute(token, "db.query.text");
  EXPECT_EQ(query.rfind("SELECT ", 0), 0u) << query;
  EXPECT_NE(query.find("JOIN users"), std::string::npos) << query;
  EXPECT_NE(query.find(":token_hash"), std::string::npos) << query;
  EXPECT_EQ(everything_in(token).find(domain::secrets::token_hash(session.token)),
            std::string::npos);

  EXPECT_EQ(authorize.kind, SpanKind::internal);
  EXPECT_EQ(authorize.parent_span_id, root_.context().span_id);
  EXPECT_EQ(text_attribute(authorize, "board.id"), std::to_string(board));
  EXPECT_EQ(text_attribute(authorize, "authz.required_role"), "viewer");
  EXPECT_EQ(text_attribute(authorize, "authz.role"), "owner");
  EXPECT_EQ(text_attribute(authorize, "authz.outcome"), "allowed");

  EXPECT_EQ(read.kind, SpanKind::client);
  EXPECT_EQ(read.parent_span_id, authorize.context.span_id);
  EXPECT_EQ(text_attribute(read, "db.collection.name"), "boards");
  EXPECT_NE(text_attribute(read, "db.query.text").find("m.role"), std::string::npos);
}

TEST_F(Tracing, ABoardReadByAStrangerIsDecidedOnTheSameStatement) {
  const auto ctx = request();
  const domain::Id owner = storage->accounts().register_user(ctx, {"owner", "password1"}).id;
  const domain::Id stranger = storage->accounts().register_user(ctx, {"stranger", "password1"}).id;
  const domain::Id board = storage->boards().create(ctx, owner, {"b", ""}).id;
  {
    std::lock_guard lock(*mutex_);
    spans_->clear();
  }

  EXPECT_THROW(storage->boards().get(ctx, stranger, board), domain::DomainError);

  const auto all = spans();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "SELECT boards");
  EXPECT_EQ(all[1].name, "authorize");
  EXPECT_EQ(all[0].parent_span_id, all[1].context.span_id);
  EXPECT_EQ(all[0].status, telemetry::StatusCode::unset);  // no row is not a failure
  EXPECT_EQ(text_attribute(all[1], "authz.outcome"), "not_member");
  EXPECT_EQ(text_attribute(all[1], "authz.role"), "<absent>");
  EXPECT_TRUE(t.logger.has_message("auth", "access denied: not a member"));
}

TEST_F(Tracing, AFailedStatementIsMarkedAndItsErrorLeavesValuesOut) {
  const auto ctx = request();
  auto db = sqlite::open_sqlite(ctx, path, {});
  sqlite::UserRepository users(*db);
  sqlite::BoardRepository boards(*db);
  const domain::User owner = users.insert(ctx, "owner", "not a real hash", 1);
  const domain::Board board = boards.insert(ctx, owner.id, {"b", ""}, 1);
  // No such user: the foreign key refuses the row.
  try {
    boards.add_member(ctx, board.id, 434343, domain::Role::viewer, 1, 1000);
    FAIL() << "expected a constraint failure";
  } catch (const DatabaseError& error) {
    EXPECT_EQ(error.type(), "SQLITE_CONSTRAINT");
    EXPECT_EQ(std::string(error.what()).find("434343"), std::string::npos) << error.what();
  }
  const auto inserts = named("INSERT board_members");
  ASSERT_EQ(inserts.size(), 2u);  // the owner's membership, then the refused one
  EXPECT_EQ(inserts[1].status, telemetry::StatusCode::error);
  EXPECT_EQ(text_attribute(inserts[1], "error.type"), "SQLITE_CONSTRAINT");
  EXPECT_EQ(everything_in(inserts[1]).find("434343"), std::string::npos);
  EXPECT_TRUE(t.logger.has_message("storage", "statement failed"));
}

}  // namespace
}  // namespace storage::test
