#include "domain/board_events.hpp"

#include <cmath>

namespace domain {

namespace {

// As the REST API writes numbers: a whole number as a JSON integer, anything else as
// a double (api::number_to_json; the API's tests compare the two renderings).
boost::json::value number(double value) {
  constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53
  if (std::trunc(value) == value && std::fabs(value) <= kExactIntegerLimit) {
    return static_cast<std::int64_t>(value);
  }
  return value;
}

}  // namespace

boost::json::object element_json(const Element& element) {
  return boost::json::object{{"id", element.id},
                             {"board_id", element.board_id},
                             {"kind", to_string(element.kind)},
                             {"x", number(element.x)},
                             {"y", number(element.y)},
                             {"width", number(element.width)},
                             {"height", number(element.height)},
                             {"rotation", number(element.rotation)},
                             {"z_index", element.z_index},
                             {"style", element.style},
                             {"text", element.text},
                             {"version", element.version},
                             {"created_by", element.created_by},
                             {"created_at", element.created_at},
                             {"updated_at", element.updated_at}};
}

boost::json::object element_data(const Element& element) {
  return boost::json::object{{"element", element_json(element)}};
}

boost::json::object element_deleted_data(Id element_id) {
  return boost::json::object{{"element_id", element_id}};
}

boost::json::object member_data(const Member& member) {
  return boost::json::object{{"member", boost::json::object{{"user_id", member.user_id},
                                                            {"username", member.username},
                                                            {"role", to_string(member.role)},
                                                            {"added_at", member.added_at}}}};
}

boost::json::object member_removed_data(Id user_id) {
  return boost::json::object{{"user_id", user_id}};
}

boost::json::object board_data(const Board& board) {
  return boost::json::object{{"board", boost::json::object{{"id", board.id},
                                                           {"name", board.name},
                                                           {"description", board.description},
                                                           {"owner_id", board.owner_id},
                                                           {"created_at", board.created_at},
                                                           {"updated_at", board.updated_at}}}};
}

BoardEvent make_event(Id board_id, std::int64_t seq, std::string_view type, std::int64_t at,
                      boost::json::object data) {
  return BoardEvent{board_id, seq, std::string(type), at, std::move(data)};
}

}  // namespace domain
