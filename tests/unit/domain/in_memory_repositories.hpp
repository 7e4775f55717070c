#pragma once
// The repositories of domain/repositories.hpp kept in memory, so that the use cases
// can be tested with no database. Each keeps the promises its interface states
// (case-insensitive unique usernames, owner membership on insert, newest-first pages
// with a total, version-checked updates, deletes that take members and elements
// along) and nothing more. A mutex per repository: the services may be called from
// several threads, as on the database pool.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/errors.hpp"
#include "domain/repositories.hpp"

namespace domain::test {

inline std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class InMemoryUserRepository final : public UserRepository {
 public:
  User insert(const telemetry::Context&, std::string_view username, std::string_view password_hash,
              UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const std::string key = lowercase(username);
    if (by_name_.contains(key)) throw DomainError(ErrorCode::username_taken, "username is taken");
    UserWithSecret row{User{next_id_++, std::string(username), format_rfc3339(now)},
                       std::string(password_hash)};
    by_name_.emplace(key, row.user.id);
    users_.emplace(row.user.id, row);
    return row.user;
  }

  std::optional<UserWithSecret> find_by_username(const telemetry::Context&,
                                                 std::string_view username) override {
    std::lock_guard lock(mutex_);
    const auto found = by_name_.find(lowercase(username));
    if (found == by_name_.end()) return std::nullopt;
    return users_.at(found->second);
  }

  // For the other repositories, which join on users.
  std::optional<User> find_by_id(Id id) const {
    std::lock_guard lock(mutex_);
    const auto found = users_.find(id);
    if (found == users_.end()) return std::nullopt;
    return found->second.user;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return users_.size();
  }

 private:
  mutable std::mutex mutex_;
  Id next_id_ = 1;
  std::map<Id, UserWithSecret> users_;
  std::map<std::string, Id> by_name_;  // lowercased username -> id
};

class InMemorySessionRepository final : public SessionRepository {
 public:
  explicit InMemorySessionRepository(const InMemoryUserRepository& users) : users_(users) {}

  void insert(const telemetry::Context&, std::string_view token_hash, Id user_id, UnixMillis,
              UnixMillis expires_at) override {
    std::lock_guard lock(mutex_);
    sessions_[std::string(token_hash)] = Row{user_id, expires_at};
  }

  std::optional<SessionUser> find_user_by_token(const telemetry::Context&,
                                                std::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    const auto found = sessions_.find(std::string(token_hash));
    if (found == sessions_.end()) return std::nullopt;
    const std::optional<User> user = users_.find_by_id(found->second.user_id);
    if (!user) return std::nullopt;
    return SessionUser{*user, found->second.expires_at};
  }

  void remove(const telemetry::Context&, std::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    sessions_.erase(std::string(token_hash));
  }

  std::int64_t remove_expired(const telemetry::Context&, UnixMillis now) override {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(std::erase_if(
        sessions_, [now](const auto& entry) { return entry.second.expires_at < now; }));
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }

  // Whether a session with this token hash is stored.
  bool holds(std::string_view token_hash) const {
    std::lock_guard lock(mutex_);
    return sessions_.contains(std::string(token_hash));
  }

 private:
  struct Row {
    Id user_id = 0;
    UnixMillis expires_at = 0;
  };
  const InMemoryUserRepository& users_;
  mutable std::mutex mutex_;
  std::map<std::string, Row> sessions_;  // token hash -> session
};

class InMemoryElementRepository : public ElementRepository {
 public:
  std::vector<Element> list(const telemetry::Context&, Id board_id) override {
    std::lock_guard lock(mutex_);
    std::vector<Element> out;
    for (const auto& [id, element] : elements_) {
      if (element.board_id == board_id) out.push_back(element);
    }
    // Ids ascend in the map, so a stable sort by z_index keeps id as the tie-break.
    std::stable_sort(out.begin(), out.end(),
                     [](const Element& a, const Element& b) { return a.z_index < b.z_index; });
    return out;
  }

  std::optional<Element> find(const telemetry::Context&, Id board_id, Id element_id) override {
    std::lock_guard lock(mutex_);
    const auto found = elements_.find(element_id);
    if (found == elements_.end() || found->second.board_id != board_id) return std::nullopt;
    return found->second;
  }

  Element insert(const telemetry::Context&, Id board_id, Id created_by, const ElementValues& values,
                 UnixMillis now) override {
    std::lock_guard lock(mutex_);
    Element element;
    element.id = next_id_++;
    element.board_id = board_id;
    write(element, values);
    element.version = 1;
    element.created_by = created_by;
    element.created_at = format_rfc3339(now);
    element.updated_at = element.created_at;
    elements_.emplace(element.id, element);
    return element;
  }

  bool update_if_version(const telemetry::Context&, Id board_id, Id element_id,
                         std::int64_t expected_version, const ElementValues& values,
                         UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const auto found = elements_.find(element_id);
    if (found == elements_.end() || found->second.board_id != board_id) return false;
    Element& element = found->second;
    if (element.version != expected_version) return false;
    write(element, values);
    element.version += 1;
    element.updated_at = format_rfc3339(now);
    return true;
  }

  bool remove(const telemetry::Context&, Id board_id, Id element_id) override {
    std::lock_guard lock(mutex_);
    const auto found = elements_.find(element_id);
    if (found == elements_.end() || found->second.board_id != board_id) return false;
    elements_.erase(found);
    return true;
  }

  // The board's deletion takes its elements along (SQLite: ON DELETE CASCADE).
  void remove_board(Id board_id) {
    std::lock_guard lock(mutex_);
    std::erase_if(elements_, [&](const auto& entry) { return entry.second.board_id == board_id; });
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return elements_.size();
  }

 private:
  static void write(Element& element, const ElementValues& values) {
    element.kind = values.kind;
    element.x = values.x;
    element.y = values.y;
    element.width = values.width;
    element.height = values.height;
    element.rotation = values.rotation;
    element.z_index = values.z_index;
    element.style = values.style;
    element.text = values.text;
  }

  mutable std::mutex mutex_;
  Id next_id_ = 1;
  std::map<Id, Element> elements_;
};

class InMemoryBoardRepository final : public BoardRepository {
 public:
  InMemoryBoardRepository(const InMemoryUserRepository& users, InMemoryElementRepository& elements)
      : users_(users), elements_(elements) {}

  Board insert(const telemetry::Context&, Id owner_id, const BoardDraft& draft,
               UnixMillis now) override {
    std::lock_guard lock(mutex_);
    Row row;
    row.board.id = next_id_++;
    row.board.name = draft.name;
    row.board.description = draft.description;
    row.board.owner_id = owner_id;
    row.board.created_at = format_rfc3339(now);
    row.board.updated_at = row.board.created_at;
    row.created_ms = now;
    row.members.emplace(owner_id, MemberRow{Role::owner, row.board.created_at});
    row.board.my_role = Role::owner;
    boards_.emplace(row.board.id, row);
    return row.board;
  }

  std::optional<Role> role_of(const telemetry::Context&, Id board_id, Id user_id) override {
    std::lock_guard lock(mutex_);
    return role_locked(board_id, user_id);
  }

  std::optional<Board> find_for_member(const telemetry::Context&, Id board_id,
                                       Id user_id) override {
    std::lock_guard lock(mutex_);
    const std::optional<Role> role = role_locked(board_id, user_id);
    if (!role) return std::nullopt;
    Board board = boards_.at(board_id).board;
    board.my_role = *role;
    return board;
  }

  BoardPage list_for_member(const telemetry::Context&, Id user_id, const Page& page) override {
    std::lock_guard lock(mutex_);
    std::vector<const Row*> mine;
    for (const auto& [id, row] : boards_) {
      if (row.members.contains(user_id)) mine.push_back(&row);
    }
    // Newest first; boards made in the same millisecond by id, newest first too.
    std::sort(mine.begin(), mine.end(), [](const Row* a, const Row* b) {
      if (a->created_ms != b->created_ms) return a->created_ms > b->created_ms;
      return a->board.id > b->board.id;
    });
    BoardPage out;
    out.total = static_cast<std::int64_t>(mine.size());
    const auto size = static_cast<std::int64_t>(mine.size());
    for (std::int64_t i = page.offset; i < size && i < page.offset + page.limit; ++i) {
      Board board = mine[static_cast<std::size_t>(i)]->board;
      board.my_role = mine[static_cast<std::size_t>(i)]->members.at(user_id).role;
      out.boards.push_back(std::move(board));
    }
    return out;
  }

  bool update(const telemetry::Context&, Id board_id, const BoardPatch& patch,
              UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const auto found = boards_.find(board_id);
    if (found == boards_.end()) return false;
    Board& board = found->second.board;
    if (patch.name) board.name = *patch.name;
    if (patch.description) board.description = *patch.description;
    board.updated_at = format_rfc3339(now);
    return true;
  }

  bool remove(const telemetry::Context&, Id board_id) override {
    std::lock_guard lock(mutex_);
    if (boards_.erase(board_id) == 0) return false;
    elements_.remove_board(board_id);
    return true;
  }

  Member add_member(const telemetry::Context&, Id board_id, Id user_id, Role role,
                    UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const auto found = boards_.find(board_id);
    if (found == boards_.end()) throw DomainError::not_found("board not found");
    Row& row = found->second;
    if (row.members.contains(user_id)) {
      throw DomainError(ErrorCode::conflict, "the user is already a member of this board");
    }
    const MemberRow& added =
        row.members.emplace(user_id, MemberRow{role, format_rfc3339(now)}).first->second;
    return member_of(user_id, added);
  }

  std::vector<Member> list_members(const telemetry::Context&, Id board_id) override {
    std::lock_guard lock(mutex_);
    std::vector<Member> out;
    const auto found = boards_.find(board_id);
    if (found == boards_.end()) return out;
    for (const auto& [user_id, member] : found->second.members) {
      out.push_back(member_of(user_id, member));
    }
    return out;
  }

  bool remove_member(const telemetry::Context&, Id board_id, Id user_id) override {
    std::lock_guard lock(mutex_);
    const auto found = boards_.find(board_id);
    return found != boards_.end() && found->second.members.erase(user_id) == 1;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return boards_.size();
  }

 private:
  struct MemberRow {
    Role role = Role::viewer;
    std::string added_at;
  };
  struct Row {
    Board board;  // my_role is filled in per caller
    UnixMillis created_ms = 0;
    std::map<Id, MemberRow> members;  // user id -> membership
  };

  std::optional<Role> role_locked(Id board_id, Id user_id) const {
    const auto board = boards_.find(board_id);
    if (board == boards_.end()) return std::nullopt;
    const auto member = board->second.members.find(user_id);
    if (member == board->second.members.end()) return std::nullopt;
    return member->second.role;
  }

  Member member_of(Id user_id, const MemberRow& row) const {
    const std::optional<User> user = users_.find_by_id(user_id);
    return Member{user_id, user ? user->username : std::string(), row.role, row.added_at};
  }

  const InMemoryUserRepository& users_;
  InMemoryElementRepository& elements_;
  mutable std::mutex mutex_;
  Id next_id_ = 1;
  std::map<Id, Row> boards_;
};

// The four repositories wired together, as a backend would hand them out.
struct InMemoryRepositories {
  InMemoryUserRepository users;
  InMemorySessionRepository sessions{users};
  InMemoryElementRepository elements;
  InMemoryBoardRepository boards{users, elements};

  Repositories repositories() { return Repositories{users, sessions, boards, elements}; }
};

}  // namespace domain::test
