#pragma once
// Every change to a board, as its members see it live and on reconnect. The
// repositories give each change the board's next sequence number (`seq`) inside the
// change's own transaction and store the event there too, so a change and its event
// commit together or not at all. The use cases then hand the committed event to a
// BoardEventPublisher, whether the change came over REST or WebSocket: the
// real-time hub (src/realtime) is one; a publisher to other instances can be another.

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/entities.hpp"
#include "telemetry/context.hpp"

namespace domain {

// Event types, as they appear in the stored events and on the wire.
namespace event_type {
inline constexpr std::string_view element_created = "element.created";
inline constexpr std::string_view element_updated = "element.updated";
inline constexpr std::string_view element_deleted = "element.deleted";
inline constexpr std::string_view member_added = "member.added";
inline constexpr std::string_view member_updated = "member.updated";
inline constexpr std::string_view member_removed = "member.removed";
inline constexpr std::string_view board_updated = "board.updated";
inline constexpr std::string_view board_deleted = "board.deleted";
}  // namespace event_type

struct BoardEvent {
  Id board_id = 0;
  std::int64_t seq = 0;  // 1, 2, 3... per board, without gaps
  std::string type;      // one of event_type
  std::int64_t at = 0;   // unix milliseconds
  // element.*: {"element": <as REST returns it>} (deleted: {"element_id": id});
  // member.added, member.updated: {"member": <as REST returns it>};
  // member.removed: {"user_id": id};
  // board.updated: {"board": {...}} without the caller's role; board.deleted: {}.
  boost::json::object data;
};

// A change's result together with the event it was recorded as.
template <class T>
struct Recorded {
  T value;
  BoardEvent event;
};

class BoardEventPublisher {
 public:
  virtual ~BoardEventPublisher() = default;
  // Called once per committed change, on the thread that made it, with the
  // context of the request or message that made it (its span is the parent of
  // whatever the publisher traces). Must not block on the network nor throw.
  virtual void publish(const telemetry::Context& ctx, const BoardEvent& event) noexcept = 0;
};

// For a service with nobody listening (tools, tests).
class NoBoardEventPublisher final : public BoardEventPublisher {
 public:
  void publish(const telemetry::Context&, const BoardEvent&) noexcept override {}
};

// The data of each event, in the JSON shape the REST API gives the same entity
// (tests/unit/api check that the two agree).
boost::json::object element_data(const Element& element);
// An element as the REST API renders it (api::to_json uses it too).
boost::json::object element_json(const Element& element);
boost::json::object element_deleted_data(Id element_id);
boost::json::object member_data(const Member& member);
boost::json::object member_removed_data(Id user_id);
boost::json::object board_data(const Board& board);

BoardEvent make_event(Id board_id, std::int64_t seq, std::string_view type, std::int64_t at,
                      boost::json::object data);

}  // namespace domain
