#pragma once
// The JSON form of each entity, as docs/api.md shows it.

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/entities.hpp"

namespace api {

boost::json::value to_json(const domain::User& user);
boost::json::value to_json(const domain::Board& board);
boost::json::value to_json(const domain::Member& member);
boost::json::value to_json(const domain::Element& element);

// A board as to_json renders it, written straight into `out` (the same bytes as its
// serialization): the answer to GET /api/boards/{id}, the hottest read.
void write_board(std::string& out, const domain::Board& board);

// The element list's answer, {"elements":[...],"next_cursor":...}, written straight into
// `out`: the same bytes as serializing to_json of each element in such an object (the
// API's tests compare the two), without building the JSON tree first.
// `next_cursor`: the encoded cursor, or none for null.
void write_element_list(std::string& out, const std::vector<domain::Element>& elements,
                        const std::optional<std::string>& next_cursor);

}  // namespace api
