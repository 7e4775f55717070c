#pragma once
// The messages of docs/realtime.md: JSON objects with a `type`. Client messages may
// carry an `id` (echoed in the ack or error they cause) and a `traceparent`; server
// events carry the board's `seq` and, when sent live, the `traceparent` of the span
// that broadcast them.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/board_events.hpp"
#include "http/error.hpp"

namespace realtime {

// Message types clients send.
enum class ClientType {
  element_create,
  element_update,
  element_delete,
  cursor_move,
  ping,
  join,  // {"since": N}: the first message, instead of ?since=N on the upgrade
  unknown
};

struct ClientMessage {
  ClientType type = ClientType::unknown;
  std::string type_name;  // as sent ("unknown" when not one of ours: span names stay few)
  boost::json::value id;  // null when absent; a string or a number otherwise
  std::string traceparent;
  boost::json::object body;
};

// Parses one text frame; throws http::ApiError (400 bad_request) when it is not a
// JSON object with a string `type`.
ClientMessage parse_client_message(std::string_view text);

// A board event as clients receive it: {"type", "seq", "board_id", ...data}.
boost::json::object event_message(const domain::BoardEvent& event);

// {"type":"error","id"?,"error":{"code","message","details"?,"request_id"}}: the
// code and message the REST API gives for the same failure.
boost::json::object error_message(const boost::json::value& id, const http::ApiError& error,
                                  std::string_view request_id);

std::string to_text(const boost::json::object& message);

}  // namespace realtime
