#pragma once
// Paged lists: the `limit` and `cursor` query parameters in, `next_cursor` out.
//
// A cursor is opaque to clients. It holds the sort key of the last item of the page
// that gave it out (domain::SortKey), tagged with its list, so that a cursor of one list
// is refused by another. Keys rather than offsets: a page starts after a known item,
// so items inserted before it neither repeat nor push others out of sight.
//
//   const domain::Page page = read_page(request, List::elements);
//   ... {"elements": items, "next_cursor": next_cursor(List::elements, found.next)}

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/inputs.hpp"
#include "http/request.hpp"

namespace api {

enum class List : char { boards = 'b', members = 'm', elements = 'e' };

// The page size when a request names none (docs/api.md).
std::int64_t default_page_limit(List list) noexcept;

// `limit` (default_page_limit when absent) and `cursor` from the query. Throws 422
// validation_failed naming the parameter for a limit that is not a decimal integer, a
// cursor this list did not give out, and for `offset`, which cursors replace.
domain::Page read_page(const http::Request& request, List list);

std::string encode_cursor(List list, const domain::SortKey& key);
std::optional<domain::SortKey> decode_cursor(List list, std::string_view cursor) noexcept;

// The cursor of the next page, or null on the last page.
boost::json::value next_cursor(List list, const std::optional<domain::SortKey>& next);

}  // namespace api
