// The element bodies of POST and PATCH, read from JSON; shared by the REST handlers
// and the WebSocket messages, which carry the same bodies.
#include "api/element_input.hpp"

#include "api/json_input.hpp"

namespace api {

using Need = ObjectReader::Need;

domain::ElementDraft read_element_draft(const boost::json::value& body) {
  ObjectReader reader(require_object(body));
  domain::ElementDraft draft;
  auto kind = reader.string("kind", Need::required);
  auto x = reader.number("x", Need::required);
  auto y = reader.number("y", Need::required);
  auto width = reader.number("width", Need::required);
  auto height = reader.number("height", Need::required);
  auto rotation = reader.number("rotation");
  auto z_index = reader.integer("z_index");
  auto style = reader.object("style");
  auto text = reader.nullable_string("text");
  reader.finish();
  draft.kind = std::move(*kind);
  draft.x = *x;
  draft.y = *y;
  draft.width = *width;
  draft.height = *height;
  draft.rotation = rotation.value_or(0);
  draft.z_index = z_index.value_or(0);
  if (style) draft.style = std::move(*style);
  if (text) draft.text = std::move(*text);
  return draft;
}

domain::ElementPatch read_element_patch(const boost::json::value& body) {
  ObjectReader reader(require_object(body));
  domain::ElementPatch patch;
  patch.version = reader.integer("version", Need::required);
  patch.kind = reader.string("kind");
  patch.x = reader.number("x");
  patch.y = reader.number("y");
  patch.width = reader.number("width");
  patch.height = reader.number("height");
  patch.rotation = reader.number("rotation");
  patch.z_index = reader.integer("z_index");
  patch.style = reader.object("style");
  patch.text = reader.nullable_string("text");
  const auto& object = body.as_object();
  if (object.size() == (object.contains("version") ? 1u : 0u)) {
    reader.add_error("body", "needs at least one field to change besides version");
  }
  reader.finish();
  return patch;
}

}  // namespace api
