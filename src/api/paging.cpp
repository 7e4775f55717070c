#include "api/paging.hpp"

#include <boost/json/string.hpp>
#include <charconv>
#include <vector>

#include "api/json_input.hpp"

namespace api {

namespace {

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads one decimal integer of `text` up to `stop` (or its end); false if there is none.
bool read_number(std::string_view& text, char stop, std::int64_t& value) noexcept {
  const std::size_t end = text.find(stop);
  const std::string_view digits = text.substr(0, end);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) return false;
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return true;
}

}  // namespace

std::int64_t default_page_limit(List list) noexcept {
  // Boards are shown a screen at a time; members and elements are read whole by the
  // board's page, so theirs come in the largest pages allowed.
  return list == List::boards ? 20 : 100;
}

std::string encode_cursor(List list, const domain::SortKey& key) {
  const std::string plain = std::string(1, static_cast<char>(list)) + ":" +
                            std::to_string(key.major) + ":" + std::to_string(key.minor);
  std::string hex;
  hex.reserve(plain.size() * 2);
  for (const char c : plain) {
    hex.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 0xF]);
    hex.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
  }
  return hex;
}

std::optional<domain::SortKey> decode_cursor(List list, std::string_view cursor) noexcept {
  if (cursor.empty() || cursor.size() % 2 != 0 || cursor.size() > 128) return std::nullopt;
  std::string plain;
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    const int high = hex_value(cursor[i]);
    const int low = hex_value(cursor[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    plain.push_back(static_cast<char>(high * 16 + low));
  }
  std::string_view rest = plain;
  if (rest.size() < 2 || rest[0] != static_cast<char>(list) || rest[1] != ':') {
    return std::nullopt;
  }
  rest.remove_prefix(2);
  domain::SortKey key;
  if (!read_number(rest, ':', key.major) || !read_number(rest, ':', key.minor) || !rest.empty()) {
    return std::nullopt;
  }
  return key;
}

domain::Page read_page(const http::Request& request, List list) {
  std::vector<domain::FieldError> errors;
  domain::Page page;
  page.limit = default_page_limit(list);
  if (auto limit = query_integer(request, "limit", errors)) page.limit = *limit;
  if (const auto cursor = request.query_param("cursor")) {
    page.after = decode_cursor(list, *cursor);
    if (!page.after) {
      errors.push_back({"cursor", "is not a cursor of this list; pass next_cursor as given"});
    }
  }
  if (request.query_param("offset")) {
    errors.push_back({"offset", "is not supported: pages follow next_cursor (as cursor)"});
  }
  if (!errors.empty()) throw validation_error(errors, "invalid query parameters");
  return page;
}

boost::json::value next_cursor(List list, const std::optional<domain::SortKey>& next) {
  if (!next) return nullptr;
  return boost::json::string(encode_cursor(list, *next));
}

}  // namespace api
