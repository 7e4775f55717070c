// The board read's and the element list's answers are written without building a JSON
// tree; a client must get the same bytes as the tree would have given.
#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/render.hpp"

namespace api {
namespace {

domain::Element element(domain::Id id) {
  domain::Element e;
  e.id = id;
  e.board_id = 2;
  e.kind = domain::ElementKind::sticky_note;
  e.x = 200;  // whole: an integer in JSON
  e.y = -3.25;
  e.width = 120.5;
  e.height = 1e-3;
  e.rotation = -359.999;
  e.z_index = -7;
  e.style = {{"fill", "#ffd54f"}, {"stroke", "#333"}, {"nested", {{"a", 1}, {"b", {1.5, "x"}}}}};
  e.text = "Note: ship the \"list\" route\\ \n\t\x01 caf\xc3\xa9 \xe2\x9c\x93";
  e.version = 12;
  e.created_by = 9;
  e.created_at = "2026-11-24T23:20:15.123Z";
  e.updated_at = "2026-11-25T23:20:15.123Z";
  return e;
}

std::string expected(const std::vector<domain::Element>& elements,
                     const std::optional<std::string>& cursor) {
  boost::json::array items;
  for (const auto& e : elements) items.push_back(to_json(e));
  boost::json::value next = nullptr;
  if (cursor) next = boost::json::string(*cursor);
  return boost::json::serialize(
      boost::json::object{{"elements", std::move(items)}, {"next_cursor", std::move(next)}});
}

TEST(ElementListJson, WritesTheBytesOfTheSerializedTree) {
  std::vector<domain::Element> elements;
  for (domain::Id id = 1; id <= 25; ++id) {
    domain::Element e = element(id);
    e.kind = id % 2 == 0 ? domain::ElementKind::rectangle : domain::ElementKind::ellipse;
    e.x = static_cast<double>(id) * 37.5;
    e.y = -static_cast<double>(id) * 11;
    e.width = 9007199254740993.0 * static_cast<double>(id);  // past 2^53: a double
    e.height = std::numeric_limits<double>::denorm_min() * static_cast<double>(id);
    e.rotation = id % 3 == 0 ? 0.0 : -0.0;
    e.z_index = std::numeric_limits<std::int64_t>::min() + id;
    if (id % 5 == 0) e.style = boost::json::object{};
    if (id % 4 == 0) e.text.clear();
    elements.push_back(e);
  }
  std::string body;
  write_element_list(body, elements, std::nullopt);
  EXPECT_EQ(body, expected(elements, std::nullopt));

  std::string paged;
  write_element_list(paged, {element(3)}, std::string("ZWw6Mzo3"));
  EXPECT_EQ(paged, expected({element(3)}, std::string("ZWw6Mzo3")));
  EXPECT_EQ(boost::json::parse(paged).at("elements").at(0).at("text").as_string(), element(3).text);
}

TEST(BoardJson, WritesTheBytesOfTheSerializedTree) {
  domain::Board board{42,
                      "Plan \"Q1\" \xe2\x9c\x93",
                      "line 1\nline 2\t\\",
                      7,
                      "2026-11-24T23:20:15.123Z",
                      "2026-11-25T23:20:15.123Z",
                      domain::Role::editor};
  std::string body;
  write_board(body, board);
  EXPECT_EQ(body, boost::json::serialize(to_json(board)));
  board.description.clear();
  board.my_role = domain::Role::owner;
  body.clear();
  write_board(body, board);
  EXPECT_EQ(body, boost::json::serialize(to_json(board)));
}

TEST(ElementListJson, AnEmptyPage) {
  std::string body;
  write_element_list(body, {}, std::nullopt);
  EXPECT_EQ(body, R"({"elements":[],"next_cursor":null})");
}

}  // namespace
}  // namespace api
