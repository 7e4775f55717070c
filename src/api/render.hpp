#pragma once
// The JSON form of each entity, as docs/api.md shows it.

#include <boost/json/value.hpp>
#include <vector>

#include "domain/entities.hpp"

namespace api {

boost::json::value to_json(const domain::User& user);
boost::json::value to_json(const domain::Board& board);
boost::json::value to_json(const domain::Member& member);
boost::json::value to_json(const domain::Element& element);

}  // namespace api
