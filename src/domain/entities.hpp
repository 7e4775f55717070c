#pragma once
// What the board domain is made of, as the API and the real-time layer see it.
// Ids are SQLite-style 64-bit row ids; times are RFC 3339 UTC strings with
// milliseconds ("2026-11-24T23:20:15.123Z"), ready to put in a JSON body.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace domain {

using Id = std::int64_t;

// Ordered by privilege: a higher role can do everything a lower one can.
enum class Role : std::uint8_t { viewer = 1, editor = 2, owner = 3 };

std::string_view to_string(Role role) noexcept;  // "viewer", "editor", "owner"
std::optional<Role> parse_role(std::string_view text) noexcept;

enum class ElementKind : std::uint8_t { sticky_note, rectangle, ellipse, text, line, freehand };

std::string_view to_string(ElementKind kind) noexcept;  // "sticky_note", ...
std::optional<ElementKind> parse_element_kind(std::string_view text) noexcept;

struct User {
  Id id = 0;
  std::string username;  // as registered; uniqueness ignores case
  std::string created_at;
};

struct Board {
  Id id = 0;
  std::string name;
  std::string description;
  Id owner_id = 0;
  std::string created_at;
  std::string updated_at;
  Role my_role = Role::viewer;  // the requesting user's role on this board
};

struct Member {
  Id user_id = 0;
  std::string username;
  Role role = Role::viewer;
  std::string added_at;
};

struct Element {
  Id id = 0;
  Id board_id = 0;
  ElementKind kind = ElementKind::rectangle;
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  double rotation = 0;  // degrees, in [-360, 360]
  std::int64_t z_index = 0;
  boost::json::object style;
  std::string text;
  std::int64_t version = 1;  // starts at 1, +1 on every update
  Id created_by = 0;
  std::string created_at;
  std::string updated_at;
};

}  // namespace domain
