#pragma once
// The domain's repositories on SQLite. Each method runs on the connection scope.hpp
// picks (Use: declared a read or a write) and runs only parameterised statements.

#include "domain/repositories.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/scope.hpp"

namespace storage::sqlite {

class UserRepository final : public domain::UserRepository {
 public:
  explicit UserRepository(Database& db) : db_(db) {}
  domain::User insert(const telemetry::Context& ctx, std::string_view username,
                      std::string_view password_hash, domain::UnixMillis now) override;
  std::optional<domain::UserWithSecret> find_by_username(const telemetry::Context& ctx,
                                                         std::string_view username) override;

 private:
  Database& db_;
};

class SessionRepository final : public domain::SessionRepository {
 public:
  explicit SessionRepository(Database& db) : db_(db) {}
  void insert(const telemetry::Context& ctx, std::string_view token_hash, domain::Id user_id,
              domain::UnixMillis created_at, domain::UnixMillis expires_at) override;
  std::optional<domain::SessionUser> find_user_by_token(const telemetry::Context& ctx,
                                                        std::string_view token_hash) override;
  void remove(const telemetry::Context& ctx, std::string_view token_hash) override;
  std::int64_t remove_expired(const telemetry::Context& ctx, domain::UnixMillis now) override;

 private:
  Database& db_;
};

class BoardRepository final : public domain::BoardRepository {
 public:
  explicit BoardRepository(Database& db) : db_(db) {}
  domain::Board insert(const telemetry::Context& ctx, domain::Id owner_id,
                       const domain::BoardDraft& draft, domain::UnixMillis now) override;
  std::optional<domain::Role> role_of(const telemetry::Context& ctx, domain::Id board_id,
                                      domain::Id user_id) override;
  std::optional<domain::Board> find_for_member(const telemetry::Context& ctx, domain::Id board_id,
                                               domain::Id user_id) override;
  domain::PageOf<domain::Board> list_for_member(const telemetry::Context& ctx, domain::Id user_id,
                                                const domain::Page& page) override;
  std::optional<domain::BoardEvent> update(const telemetry::Context& ctx, domain::Id board_id,
                                           const domain::BoardPatch& patch,
                                           domain::UnixMillis now) override;
  std::optional<domain::BoardEvent> remove(const telemetry::Context& ctx, domain::Id board_id,
                                           domain::UnixMillis now) override;
  bool exists(const telemetry::Context& ctx, domain::Id board_id) override;
  std::optional<domain::Recorded<domain::Member>> add_member(const telemetry::Context& ctx,
                                                             domain::Id board_id,
                                                             domain::Id user_id, domain::Role role,
                                                             domain::UnixMillis now,
                                                             std::int64_t max_members) override;
  domain::PageOf<domain::Member> list_members(const telemetry::Context& ctx, domain::Id board_id,
                                              const domain::Page& page) override;
  std::optional<domain::Recorded<domain::Member>> update_member(const telemetry::Context& ctx,
                                                                domain::Id board_id,
                                                                domain::Id user_id,
                                                                domain::Role role,
                                                                domain::UnixMillis now) override;
  std::optional<domain::BoardEvent> remove_member(const telemetry::Context& ctx,
                                                  domain::Id board_id, domain::Id user_id,
                                                  domain::UnixMillis now) override;

 private:
  Database& db_;
};

class ElementRepository final : public domain::ElementRepository {
 public:
  explicit ElementRepository(Database& db) : db_(db) {}
  domain::PageOf<domain::Element> list(const telemetry::Context& ctx, domain::Id board_id,
                                       const domain::Page& page) override;
  std::optional<domain::Element> find(const telemetry::Context& ctx, domain::Id board_id,
                                      domain::Id element_id) override;
  std::optional<domain::Recorded<domain::Element>> insert(const telemetry::Context& ctx,
                                                          domain::Id board_id,
                                                          domain::Id created_by,
                                                          const domain::ElementValues& values,
                                                          domain::UnixMillis now,
                                                          std::int64_t max_elements) override;
  std::optional<domain::Recorded<domain::Element>> update_if_version(
      const telemetry::Context& ctx, domain::Id board_id, domain::Id element_id,
      std::int64_t expected_version, const domain::ElementValues& values,
      domain::UnixMillis now) override;
  std::optional<domain::BoardEvent> remove(const telemetry::Context& ctx, domain::Id board_id,
                                           domain::Id element_id, domain::UnixMillis now) override;

  // The whole board on a connection the caller holds (inside its transaction).
  static std::vector<domain::Element> list_on(const telemetry::Context& ctx, Use& use,
                                              domain::Id board_id);

 private:
  Database& db_;
};

class BoardEventRepository final : public domain::BoardEventRepository {
 public:
  explicit BoardEventRepository(Database& db) : db_(db) {}
  std::optional<domain::EventsAfter> events_after(const telemetry::Context& ctx,
                                                  domain::Id board_id, std::int64_t after,
                                                  std::size_t limit) override;
  std::optional<domain::BoardSnapshot> snapshot(const telemetry::Context& ctx,
                                                domain::Id board_id) override;
  std::int64_t prune(const telemetry::Context& ctx, domain::UnixMillis older_than,
                     std::int64_t keep_per_board) override;

 private:
  Database& db_;
};

}  // namespace storage::sqlite
