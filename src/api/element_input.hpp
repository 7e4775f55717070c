#pragma once
// The element bodies of POST /api/boards/{id}/elements and PATCH .../{element_id},
// read from JSON with the API's 422 for a wrong type or a missing field. Ranges and
// rules are the domain's (validation.hpp). The WebSocket messages carry the same
// bodies and go through these too.

#include <boost/json/value.hpp>

#include "domain/inputs.hpp"

namespace api {

domain::ElementDraft read_element_draft(const boost::json::value& body);
// Needs `version` and at least one other field.
domain::ElementPatch read_element_patch(const boost::json::value& body);

}  // namespace api
