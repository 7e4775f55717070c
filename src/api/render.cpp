#include "api/render.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serializer.hpp>
#include <charconv>
#include <cmath>

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

namespace {

// Appends JSON text to a string. Strings, non-integral numbers and style objects go
// through Boost.JSON's own serializer (its escaping and its shortest double form), so the
// bytes are those of boost::json::serialize; integers and punctuation are written here.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out) {}

  void raw(std::string_view text) { out_.append(text); }

  void integer(std::int64_t value) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out_.append(buffer, static_cast<std::size_t>(result.ptr - buffer));
  }

  // As domain::element_json writes numbers: a whole number as an integer.
  void number(double value) {
    constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53
    if (std::trunc(value) == value && std::fabs(value) <= kExactIntegerLimit) {
      integer(static_cast<std::int64_t>(value));
      return;
    }
    const boost::json::value number(value);
    serializer_.reset(&number);
    drain();
  }

  void string(std::string_view value) {
    serializer_.reset(value);
    drain();
  }

  void object(const boost::json::object& value) {
    serializer_.reset(&value);
    drain();
  }

 private:
  void drain() {
    // Most values fit at once; a long text takes a few rounds.
    char buffer[256];
    while (!serializer_.done()) out_.append(serializer_.read(buffer));
  }

  std::string& out_;
  boost::json::serializer serializer_;
};

void write_element(JsonWriter& w, const domain::Element& element) {
  w.raw("{\"id\":");
  w.integer(element.id);
  w.raw(",\"board_id\":");
  w.integer(element.board_id);
  w.raw(",\"kind\":");
  w.string(domain::to_string(element.kind));
  w.raw(",\"x\":");
  w.number(element.x);
  w.raw(",\"y\":");
  w.number(element.y);
  w.raw(",\"width\":");
  w.number(element.width);
  w.raw(",\"height\":");
  w.number(element.height);
  w.raw(",\"rotation\":");
  w.number(element.rotation);
  w.raw(",\"z_index\":");
  w.integer(element.z_index);
  w.raw(",\"style\":");
  w.object(element.style);
  w.raw(",\"text\":");
  w.string(element.text);
  w.raw(",\"version\":");
  w.integer(element.version);
  w.raw(",\"created_by\":");
  w.integer(element.created_by);
  w.raw(",\"created_at\":");
  w.string(element.created_at);
  w.raw(",\"updated_at\":");
  w.string(element.updated_at);
  w.raw("}");
}

}  // namespace

void write_board(std::string& out, const domain::Board& board) {
  out.reserve(out.size() + 160 + board.name.size() + board.description.size());
  JsonWriter w(out);
  w.raw("{\"id\":");
  w.integer(board.id);
  w.raw(",\"name\":");
  w.string(board.name);
  w.raw(",\"description\":");
  w.string(board.description);
  w.raw(",\"owner_id\":");
  w.integer(board.owner_id);
  w.raw(",\"role\":");
  w.string(domain::to_string(board.my_role));
  w.raw(",\"created_at\":");
  w.string(board.created_at);
  w.raw(",\"updated_at\":");
  w.string(board.updated_at);
  w.raw("}");
}

void write_element_list(std::string& out, const std::vector<domain::Element>& elements,
                        const std::optional<std::string>& next_cursor) {
  // About 280 bytes per element with a short text and style: one allocation up front.
  out.reserve(out.size() + 64 + elements.size() * 320);
  JsonWriter w(out);
  w.raw("{\"elements\":[");
  bool first = true;
  for (const domain::Element& element : elements) {
    if (!first) w.raw(",");
    first = false;
    write_element(w, element);
  }
  w.raw("],\"next_cursor\":");
  if (next_cursor) {
    w.string(*next_cursor);
  } else {
    w.raw("null");
  }
  w.raw("}");
}

}  // namespace api
