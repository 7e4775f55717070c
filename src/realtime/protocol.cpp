#include "realtime/protocol.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace realtime {

namespace {

http::ApiError bad_message(std::string message) {
  return http::ApiError(boost::beast::http::status::bad_request, "bad_request", std::move(message));
}

ClientType type_of(std::string_view name) {
  if (name == "element.create") return ClientType::element_create;
  if (name == "element.update") return ClientType::element_update;
  if (name == "element.delete") return ClientType::element_delete;
  if (name == "cursor.move") return ClientType::cursor_move;
  if (name == "ping") return ClientType::ping;
  if (name == "join") return ClientType::join;
  return ClientType::unknown;
}

}  // namespace

ClientMessage parse_client_message(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) throw bad_message("the message is not valid JSON: " + ec.message());
  if (!value.is_object()) throw bad_message("the message must be a JSON object");
  boost::json::object& object = value.as_object();
  ClientMessage message;
  if (const auto* id = object.if_contains("id"); id && (id->is_string() || id->is_int64())) {
    message.id = *id;
  }
  const auto* type = object.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    throw bad_message("the message needs a string \"type\"");
  }
  message.type = type_of(type->as_string());
  message.type_name = message.type == ClientType::unknown ? "unknown" : type->as_string().c_str();
  if (const auto* parent = object.if_contains("traceparent"); parent && parent->is_string()) {
    message.traceparent = parent->as_string().c_str();
  }
  message.body = std::move(object);
  return message;
}

boost::json::object event_message(const domain::BoardEvent& event) {
  boost::json::object message{
      {"type", event.type}, {"seq", event.seq}, {"board_id", event.board_id}};
  for (const auto& [key, value] : event.data) message[key] = value;
  return message;
}

boost::json::object error_message(const boost::json::value& id, const http::ApiError& error,
                                  std::string_view request_id) {
  boost::json::object detail{{"code", error.code()},
                             {"message", error.what()},
                             {"status", static_cast<int>(error.status())},
                             {"request_id", request_id}};
  if (!error.details().is_null()) detail["details"] = error.details();
  boost::json::object message{{"type", "error"}, {"error", std::move(detail)}};
  if (!id.is_null()) message["id"] = id;
  return message;
}

std::string to_text(const boost::json::object& message) {
  return boost::json::serialize(message);
}

}  // namespace realtime
