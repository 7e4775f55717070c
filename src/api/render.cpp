#include "api/render.hpp"

#include <boost/json/object.hpp>

#include "api/json_input.hpp"

namespace api {

boost::json::value to_json(const domain::User& user) {
  return boost::json::object{
      {"id", user.id}, {"username", user.username}, {"created_at", user.created_at}};
}

boost::json::value to_json(const domain::Board& board) {
  return boost::json::object{{"id", board.id},
                             {"name", board.name},
                             {"description", board.description},
                             {"owner_id", board.owner_id},
                             {"role", domain::to_string(board.my_role)},
                             {"created_at", board.created_at},
                             {"updated_at", board.updated_at}};
}

boost::json::value to_json(const domain::Member& member) {
  return boost::json::object{{"user_id", member.user_id},
                             {"username", member.username},
                             {"role", domain::to_string(member.role)},
                             {"added_at", member.added_at}};
}

boost::json::value to_json(const domain::Element& element) {
  return boost::json::object{{"id", element.id},
                             {"board_id", element.board_id},
                             {"kind", domain::to_string(element.kind)},
                             {"x", number_to_json(element.x)},
                             {"y", number_to_json(element.y)},
                             {"width", number_to_json(element.width)},
                             {"height", number_to_json(element.height)},
                             {"rotation", number_to_json(element.rotation)},
                             {"z_index", element.z_index},
                             {"style", element.style},
                             {"text", element.text},
                             {"version", element.version},
                             {"created_by", element.created_by},
                             {"created_at", element.created_at},
                             {"updated_at", element.updated_at}};
}

}  // namespace api
