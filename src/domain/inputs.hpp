#pragma once
// What callers hand to the use cases. The API layer fills these from JSON (a wrong
// JSON type is its 422); the ranges and rules are checked by the domain
// (validation.hpp) so that HTTP and WebSocket edits share them.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace domain {

struct Credentials {
  std::string username;
  std::string password;
};

// Where a list's page starts: just after the item with this sort key, the last item of
// the previous page. Each list names its key (repositories.hpp). A key, unlike an
// offset, stays put when items are inserted before it, so paging never repeats or
// skips an item that was there all along.
struct SortKey {
  std::int64_t major = 0;
  std::int64_t minor = 0;
  friend bool operator==(const SortKey&, const SortKey&) = default;
};

// limit in [1, kPageLimitMax] (validation.hpp); `after` absent: the first page.
struct Page {
  std::int64_t limit = 20;
  std::optional<SortKey> after;
};

struct BoardDraft {
  std::string name;
  std::string description;
};

// Absent fields stay as they are.
struct BoardPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct ElementDraft {
  std::string kind;  // one of sticky_note, rectangle, ellipse, text, line, freehand
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  double rotation = 0;
  std::int64_t z_index = 0;
  boost::json::object style;
  std::string text;
};

// Absent fields stay as they are. `version` is required: the version the client
// last saw; if the element has moved on, the update fails with version_conflict.
struct ElementPatch {
  std::optional<std::string> kind;
  std::optional<double> x;
  std::optional<double> y;
  std::optional<double> width;
  std::optional<double> height;
  std::optional<double> rotation;
  std::optional<std::int64_t> z_index;
  std::optional<boost::json::object> style;
  std::optional<std::string> text;
  std::optional<std::int64_t> version;
};

}  // namespace domain
