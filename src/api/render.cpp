#include "api/render.hpp"

#include <boost/json/object.hpp>

#include "api/json_input.hpp"
#include "domain/board_events.hpp"

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
  // One rendering for REST answers and board events.
  return domain::element_json(element);
}

}  // namespace api
