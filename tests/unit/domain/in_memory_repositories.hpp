#pragma once
// The repositories of domain/repositories.hpp kept in memory, so that the use cases
// can be tested with no database. Each keeps the promises its interface states
// (case-insensitive unique usernames, owner membership on insert, pages by sort key,
// version-checked updates, caps, deletes that take members and elements along, a seq
// per board and an event per change) and nothing more. A mutex per repository: the
// services may be called from several threads, as on the database pool.

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

// The boards' seq counters and stored events, shared by the element and board
// repositories as the events table is in SQLite. A change and its event are written
// under the changing repository's lock, as in one transaction.
class InMemoryEventLog {
 public:
  BoardEvent record(Id board_id, std::string_view type, UnixMillis at, boost::json::object data) {
    std::lock_guard lock(mutex_);
    BoardEvent event = make_event(board_id, ++seq_[board_id], type, at, std::move(data));
    events_.push_back(event);
    return event;
  }

  // The board's next seq, not stored (board.deleted); its events go with it.
  std::int64_t drop_board(Id board_id) {
    std::lock_guard lock(mutex_);
    const std::int64_t seq = ++seq_[board_id];
    std::erase_if(events_, [&](const BoardEvent& e) { return e.board_id == board_id; });
    return seq;
  }

  std::int64_t seq(Id board_id) const {
    std::lock_guard lock(mutex_);
    const auto found = seq_.find(board_id);
    return found == seq_.end() ? 0 : found->second;
  }

  std::vector<BoardEvent> events(Id board_id) const {
    std::lock_guard lock(mutex_);
    std::vector<BoardEvent> out;
    for (const auto& event : events_) {
      if (event.board_id == board_id) out.push_back(event);
    }
    return out;
  }

  std::int64_t prune(UnixMillis older_than, std::int64_t keep_per_board) {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(std::erase_if(events_, [&](const BoardEvent& e) {
      return e.at < older_than || e.seq <= seq_.at(e.board_id) - keep_per_board;
    }));
  }

 private:
  mutable std::mutex mutex_;
  std::map<Id, std::int64_t> seq_;  // board id -> latest seq
  std::vector<BoardEvent> events_;  // in the order recorded
};

class InMemoryElementRepository : public ElementRepository {
 public:
  explicit InMemoryElementRepository(InMemoryEventLog& log) : log_(log) {}

  PageOf<Element> list(const telemetry::Context&, Id board_id, const Page& page) override {
    return page_of(all_on(board_id), page, [](const Element& e) {
      return SortKey{e.z_index, e.id};
    });
  }

  // The whole board in list order (for a snapshot).
  std::vector<Element> all_on(Id board_id) const {
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

  std::optional<Recorded<Element>> insert(const telemetry::Context&, Id board_id, Id created_by,
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
    BoardEvent event =
        log_.record(board_id, event_type::element_created, now, element_data(element));
    return Recorded<Element>{std::move(element), std::move(event)};
  }

  std::optional<Recorded<Element>> update_if_version(const telemetry::Context&, Id board_id,
                                                     Id element_id, std::int64_t expected_version,
                                                     const ElementValues& values,
                                                     UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const auto found = elements_.find(element_id);
    if (found == elements_.end() || found->second.board_id != board_id) return std::nullopt;
    Element& element = found->second;
    if (element.version != expected_version) return std::nullopt;
    write(element, values);
    element.version += 1;
    element.updated_at = format_rfc3339(now);
    BoardEvent event =
        log_.record(board_id, event_type::element_updated, now, element_data(element));
    return Recorded<Element>{element, std::move(event)};
  }

  std::optional<BoardEvent> remove(const telemetry::Context&, Id board_id, Id element_id,
                                   UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const auto found = elements_.find(element_id);
    if (found == elements_.end() || found->second.board_id != board_id) return std::nullopt;
    elements_.erase(found);
    return log_.record(board_id, event_type::element_deleted, now,
                       element_deleted_data(element_id));
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

  InMemoryEventLog& log_;
  mutable std::mutex mutex_;
  Id next_id_ = 1;
  std::map<Id, Element> elements_;
  std::function<bool(Id)> board_exists_;
};

class InMemoryBoardRepository final : public BoardRepository {
 public:
  InMemoryBoardRepository(const InMemoryUserRepository& users, InMemoryElementRepository& elements,
                          InMemoryEventLog& log)
      : users_(users), elements_(elements), log_(log) {
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

  std::optional<BoardEvent> update(const telemetry::Context&, Id board_id, const BoardPatch& patch,
                                   UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const auto found = boards_.find(board_id);
    if (found == boards_.end()) return std::nullopt;
    Board& board = found->second.board;
    if (patch.name) board.name = *patch.name;
    if (patch.description) board.description = *patch.description;
    board.updated_at = format_rfc3339(now);
    return log_.record(board_id, event_type::board_updated, now, board_data(board));
  }

  std::optional<BoardEvent> remove(const telemetry::Context&, Id board_id,
                                   UnixMillis now) override {
    std::lock_guard lock(mutex_);
    if (boards_.erase(board_id) == 0) return std::nullopt;
    elements_.remove_board(board_id);
    return make_event(board_id, log_.drop_board(board_id), event_type::board_deleted, now, {});
  }

  bool exists(const telemetry::Context&, Id board_id) override {
    std::lock_guard lock(mutex_);
    return boards_.contains(board_id);
  }

  std::optional<Recorded<Member>> add_member(const telemetry::Context&, Id board_id, Id user_id,
                                             Role role, UnixMillis now,
                                             std::int64_t max_members) override {
    std::lock_guard lock(mutex_);
    const auto found = boards_.find(board_id);
    if (found == boards_.end()) return std::nullopt;
    Row& row = found->second;
    if (row.members.contains(user_id)) return std::nullopt;
    if (static_cast<std::int64_t>(row.members.size()) >= max_members) return std::nullopt;
    const MemberRow& added =
        row.members.emplace(user_id, MemberRow{role, format_rfc3339(now), now}).first->second;
    Member member = member_of(user_id, added);
    BoardEvent event = log_.record(board_id, event_type::member_added, now, member_data(member));
    return Recorded<Member>{std::move(member), std::move(event)};
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

  std::optional<Recorded<Member>> update_member(const telemetry::Context&, Id board_id, Id user_id,
                                                Role role, UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const auto found = boards_.find(board_id);
    if (found == boards_.end()) return std::nullopt;
    const auto member = found->second.members.find(user_id);
    if (member == found->second.members.end() || member->second.role == Role::owner) {
      return std::nullopt;
    }
    member->second.role = role;
    Member updated = member_of(user_id, member->second);
    BoardEvent event = log_.record(board_id, event_type::member_updated, now, member_data(updated));
    return Recorded<Member>{std::move(updated), std::move(event)};
  }

  std::optional<BoardEvent> remove_member(const telemetry::Context&, Id board_id, Id user_id,
                                          UnixMillis now) override {
    std::lock_guard lock(mutex_);
    const auto found = boards_.find(board_id);
    if (found == boards_.end() || found->second.members.erase(user_id) == 0) return std::nullopt;
    return log_.record(board_id, event_type::member_removed, now, member_removed_data(user_id));
  }

  bool exists(Id board_id) const {
    std::lock_guard lock(mutex_);
    return boards_.contains(board_id);
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
  InMemoryEventLog& log_;
  mutable std::mutex mutex_;
  Id next_id_ = 1;
  std::map<Id, Row> boards_;
};

// Catch-up and snapshots on the shared event log. Not one transaction as in SQLite:
// tests read it while nothing else writes.
class InMemoryBoardEventRepository final : public BoardEventRepository {
 public:
  InMemoryBoardEventRepository(InMemoryEventLog& log, InMemoryBoardRepository& boards,
                               InMemoryElementRepository& elements)
      : log_(log), boards_(boards), elements_(elements) {}

  std::optional<EventsAfter> events_after(const telemetry::Context&, Id board_id,
                                          std::int64_t after, std::size_t limit) override {
    if (!boards_.exists(board_id)) return std::nullopt;
    EventsAfter out;
    out.current_seq = log_.seq(board_id);
    if (after >= out.current_seq) return out;
    const std::vector<BoardEvent> kept = log_.events(board_id);
    if (kept.empty() || kept.front().seq > after + 1) {
      out.complete = false;
      return out;
    }
    for (const auto& event : kept) {
      if (event.seq > after) out.events.push_back(event);
    }
    if (out.events.size() > limit) {
      out.events.clear();
      out.complete = false;
    }
    return out;
  }

  std::optional<BoardSnapshot> snapshot(const telemetry::Context&, Id board_id) override {
    if (!boards_.exists(board_id)) return std::nullopt;
    return BoardSnapshot{log_.seq(board_id), elements_.all_on(board_id)};
  }

  std::int64_t prune(const telemetry::Context&, UnixMillis older_than,
                     std::int64_t keep_per_board) override {
    return log_.prune(older_than, keep_per_board);
  }

 private:
  InMemoryEventLog& log_;
  InMemoryBoardRepository& boards_;
  InMemoryElementRepository& elements_;
};

// Every event a service published, in the order published.
class RecordingPublisher final : public BoardEventPublisher {
 public:
  void publish(const telemetry::Context&, const BoardEvent& event) noexcept override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  std::vector<BoardEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<BoardEvent> events_;
};

// The repositories wired together, as a backend would hand them out.
struct InMemoryRepositories {
  InMemoryUserRepository users;
  InMemorySessionRepository sessions{users};
  InMemoryEventLog log;
  InMemoryElementRepository elements{log};
  InMemoryBoardRepository boards{users, elements, log};
  InMemoryBoardEventRepository events{log, boards, elements};

  Repositories repositories() { return Repositories{users, sessions, boards, elements, events}; }
};

}  // namespace domain::test
