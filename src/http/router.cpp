#include "http/router.hpp"

namespace http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    if (start < path.size() && path[start] == '/') {
      ++start;
      continue;
    }
    const std::size_t end = path.find('/', start);
    const std::size_t stop = end == std::string_view::npos ? path.size() : end;
    if (stop > start) segments.push_back(path.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(beast_http::verb method, std::string pattern, Handler handler) {
  Route route{method, std::move(pattern), {}, std::move(handler), {}};
  for (auto segment : split_path(route.pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

void Router::add_upgrade(std::string pattern, UpgradeHandler handler) {
  Route route{beast_http::verb::get, std::move(pattern), {}, {}, std::move(handler)};
  for (auto segment : split_path(route.pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(beast_http::verb method, std::string_view path) const {
  RouteMatch result;
  const auto segments = split_path(path);
  // A trailing slash is a different resource; keep paths exact so caches and logs agree.
  const bool trailing_slash = path.size() > 1 && path.back() == '/';
  for (const Route& route : routes_) {
    if (trailing_slash || route.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& expected = route.segments[i];
      if (is_parameter(expected)) {
        params.emplace_back(expected.substr(1, expected.size() - 2), std::string(segments[i]));
      } else {
        matches = expected == segments[i];
      }
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
      result.params = std::move(params);
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
