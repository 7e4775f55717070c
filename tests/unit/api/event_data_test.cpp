// Board events carry entities in the JSON shape the REST API gives them, so that a
// client can apply an event with the code it uses for REST responses.
#include <gtest/gtest.h>

#include "api/render.hpp"
#include "domain/board_events.hpp"

namespace api {
namespace {

TEST(EventData, ElementsAndMembersAreRenderedAsRestRendersThem) {
  domain::Element element;
  element.id = 4;
  element.board_id = 2;
  element.kind = domain::ElementKind::ellipse;
  element.x = 200;  // whole: an integer in JSON
  element.y = -3.25;
  element.width = 10;
  element.height = 1e-3;
  element.rotation = 45.5;
  element.z_index = 3;
  element.style = {{"fill", "#fff"}};
  element.text = "hi";
  element.version = 7;
  element.created_by = 9;
  element.created_at = "2026-11-24T23:20:15.123Z";
  element.updated_at = "2026-11-25T23:20:15.123Z";
  EXPECT_EQ(domain::element_data(element).at("element"), to_json(element));

  const domain::Member member{5, "bob", domain::Role::editor, "2026-11-24T23:20:15.123Z"};
  EXPECT_EQ(domain::member_data(member).at("member"), to_json(member));
}

}  // namespace
}  // namespace api
