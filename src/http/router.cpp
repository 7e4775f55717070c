#include "http/router.hpp"

#include <array>
#include <stdexcept>

namespace http {

namespace {

// Calls `each(segment)` for every non-empty segment of `path`, in order, until it
// returns false. Empty segments ("//") are skipped, as they always were.
template <typename Each>
void for_each_segment(std::string_view path, Each&& each) {
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    const std::size_t end = path.find('/', start);
    const std::size_t stop = end == std::string_view::npos ? path.size() : end;
    if (!each(path.substr(start, stop - start))) return;
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  for_each_segment(path, [&](std::string_view segment) {
    segments.push_back(segment);
    return true;
  });
  return segments;
}

// The segments of a request path, on the stack: matching runs once per request and
// needs no allocation. A path with more segments than any route has matches nothing.
struct PathSegments {
  std::array<std::string_view, Router::kMaxSegments> items;
  std::size_t count = 0;
  bool too_many = false;

  explicit PathSegments(std::string_view path) {
    for_each_segment(path, [&](std::string_view segment) {
      if (count == items.size()) {
        too_many = true;
        return false;
      }
      items[count++] = segment;
      return true;
    });
  }
};

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(beast_http::verb method, std::string pattern, Handler handler) {
  Route route{method, std::move(pattern), {}, std::move(handler), {}};
  for (auto segment : split_path(route.pattern)) route.segments.emplace_back(segment);
  add_route(std::move(route));
}

void Router::add_upgrade(std::string pattern, UpgradeHandler handler) {
  Route route{beast_http::verb::get, std::move(pattern), {}, {}, std::move(handler)};
  for (auto segment : split_path(route.pattern)) route.segments.emplace_back(segment);
  add_route(std::move(route));
}

void Router::add_route(Route route) {
  if (route.segments.size() > kMaxSegments) {
    throw std::invalid_argument("route " + route.pattern + " has more than " +
                                std::to_string(kMaxSegments) + " segments");
  }
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(beast_http::verb method, std::string_view path) const {
  RouteMatch result;
  const PathSegments segments(path);
  // A trailing slash is a different resource; keep paths exact so caches and logs agree.
  const bool trailing_slash = path.size() > 1 && path.back() == '/';
  if (trailing_slash || segments.too_many) return result;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.count) continue;
    bool matches = true;
    for (std::size_t i = 0; i < segments.count && matches; ++i) {
      const std::string& expected = route.segments[i];
      matches = is_parameter(expected) || expected == segments.items[i];
    }
    if (!matches) continue;
    // HEAD is served wherever GET is (RFC 9110 9.3.2); the server drops the body. Not on
    // an upgrade route: a WebSocket handshake is a GET, and a HEAD has nothing to show.
    const bool head_of_get =
        method == beast_http::verb::head && route.method == beast_http::verb::get && !route.upgrade;
    if (route.method == method || head_of_get) {
      result.kind = RouteMatch::Kind::found;
      if (route.upgrade) {
        result.upgrade = &route.upgrade;
      } else {
        result.handler = &route.handler;
      }
      result.route = route.pattern;
      // The parameters are copied out only for the route that answers.
      for (std::size_t i = 0; i < segments.count; ++i) {
        const std::string& expected = route.segments[i];
        if (is_parameter(expected)) {
          result.params.emplace_back(expected.substr(1, expected.size() - 2),
                                     std::string(segments.items[i]));
        }
      }
      return result;
    }
    result.kind = RouteMatch::Kind::method_not_allowed;
    result.route = route.pattern;
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += std::string(beast_http::to_string(route.method));
    if (route.method == beast_http::verb::get && !route.upgrade) result.allow += ", HEAD";
  }
  return result;
}

}  // namespace http
