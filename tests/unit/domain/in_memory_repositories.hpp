#pragma once
// The repositories of domain/repositories.hpp kept in memory, so that the use cases
// can be tested with no database. Each keeps the promises its interface states
// (case-insensitive unique usernames, owner membership on insert, pages by sort key,
// version-checked updates, caps, deletes that take members and elements along) and
// nothing more. A mutex per repository: the services may be called from
// several threads, as on the database pool.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
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

// The page of `sorted` (ordered by `key_of`) that Page asks for, as a repository
// returns it.
template <class T, class KeyOf>
PageOf<T> page_of(const std::vector<T>& sorted, const Page& page, KeyOf key_of) {
  const auto before_or_at = [&](const T& item) {
    const SortKey key = key_of(item);
    return key.major < page.after->major ||
           (key.major == page.after->major && key.minor <= page.after->minor);
  };
  PageOf<T> out;
  for (const T& item : sorted) {
    if (page.after && before_or_at(item)) continue;
    if (static_cast<std::int64_t>(out.items.size()) == page.limit) {
      out.next = key_of(out.items.back());
      break;
    }
    out.items.push_back(item);
  }
  return out;
}

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
  PageOf<Element> list(const telemetry::Context&, Id board_id, const Page& page) override {
    std::lock_guard lock(mutex_);
    std::vector<Element> out;
    for (const auto& [id, element] : elements_) {
      if (element.board_id == board_id) out.push_back(element);
    }
    // Ids ascend in the map, so a stable sort by z_index keeps id as the tie-break.
    std::stable_sort(out.begin(), out.end(),
                     [](const Element& a, const Element& b) { return a.z_index < b.z_index; });
    return page_of(out, page, [](const Element& e) { return SortKey{e.z_index, e.id}; });
  }

  std::optional<Element> find(const telemetry::Context&, Id board_id, Id element_id) override {
    std::lock_guard lock(mutex_);
    const auto found = elements_.find(element_id);
    if (found == elements_.end() || found->second.board_id != board_id) return std::nullopt;
    return found->second;
  }

  std::optional<Element> insert(const telemetry::Context&, Id board_id, Id created_by,
                                const ElementValues& values, UnixMillis now,
                                std::int64_t max_elements) override {
    // Asked before taking this lock: the board repository locks the other way round.
    if (!board_exists_ || !board_exists_(board_id)) return std::nullopt;
    std::lock_guard lock(mutex_);
    const auto on_board = std::count_if(elements_.begin(), elements_.end(), [&](const auto& entry) {
      return entry.second.board_id == board_id;
    });
    if (on_board >= max_elements) return std::nullopt;
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

  // Whether a board exists, asked by insert (SQLite: the INSERT reads the board row).
  void set_board_exists(std::function<bool(Id)> exists) { board_exists_ = std::move(exists); }

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
  std::function<bool(Id)> board_exists_;
};

class InMemoryBoardRepository final : public BoardRepository {
 public:
  InMemoryBoardRepository(const InMemoryUserRepository& users, InMemoryElementRepository& elements)
      : users_(users), elements_(elements) {
    elements_.set_board_exists([this](Id board_id) { return contains_board(board_id); });
  }

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
    row.members.emplace(owner_id, MemberRow{Role::owner, row.board.created_at, now});
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

  PageOf<Board> list_for_member(const telemetry::Context&, Id user_id, const Page& page) override {
    std::lock_guard lock(mutex_);
    // Newest first: by id, descending (the key's major is the negated id).
    std::vector<Board> mine;
    for (auto it = boards_.rbegin(); it != boards_.rend(); ++it) {
      const auto member = it->second.members.find(user_id);
      if (member == it->second.members.end()) continue;
      Board board = it->second.board;
      board.my_role = member->second.role;
      mine.push_back(std::move(board));
    }
    Page descending = page;
    if (page.after) descending.after = SortKey{-page.after->major, 0};
    PageOf<Board> out = page_of(mine, descending, [](const Board& b) { return SortKey{-b.id, 0}; });
    if (out.next) out.next = SortKey{-out.next->major, 0};
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

  bool exists(const telemetry::Context&, Id board_id) override {
    std::lock_guard lock(mutex_);
    return boards_.contains(board_id);
  }

  std::optional<Member> add_member(const telemetry::Context&, Id board_id, Id user_id, Role role,
                                   UnixMillis now, std::int64_t max_members) override {
    std::lock_guard lock(mutex_);
    const auto found = boards_.find(board_id);
    if (found == boards_.end()) return std::nullopt;
    Row& row = found->second;
    if (row.members.contains(user_id)) return std::nullopt;
    if (static_cast<std::int64_t>(row.members.size()) >= max_members) return std::nullopt;
    const MemberRow& added =
        row.members.emplace(user_id, MemberRow{role, format_rfc3339(now), now}).first->second;
    return member_of(user_id, added);
  }

  PageOf<Member> list_members(const telemetry::Context&, Id board_id, const Page& page) override {
    std::lock_guard lock(mutex_);
    // In the order they joined: by (added_at, user_id).
    std::vector<std::pair<SortKey, Member>> joined;
    const auto found = boards_.find(board_id);
    if (found == boards_.end()) return {};
    for (const auto& [user_id, member] : found->second.members) {
      joined.emplace_back(SortKey{member.added_ms, user_id}, member_of(user_id, member));
    }
    std::sort(joined.begin(), joined.end(), [](const auto& a, const auto& b) {
      return std::pair(a.first.major, a.first.minor) < std::pair(b.first.major, b.first.minor);
    });
    std::vector<Member> sorted;
    for (auto& entry : joined) sorted.push_back(std::move(entry.second));
    return page_of(sorted, page, [&](const Member& m) {
      return SortKey{found->second.members.at(m.user_id).added_ms, m.user_id};
    });
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
    UnixMillis added_ms = 0;
  };
  struct Row {
    Board board;  // my_role is filled in per caller
    UnixMillis created_ms = 0;
    std::map<Id, MemberRow> members;  // user id -> membership
  };

  bool contains_board(Id board_id) {
    std::lock_guard lock(mutex_);
    return boards_.contains(board_id);
  }

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
