#pragma once
// Maps a method and a path to a handler through route templates such as
// "/api/boards/{id}/elements/{element_id}". The template, not the raw path, names
// the route in spans and access logs, so their cardinality stays low.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "telemetry/context.hpp"

namespace http {

using Handler =
    std::function<boost::asio::awaitable<Response>(Request&, const telemetry::Context&)>;

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
  const Handler* handler = nullptr;
  std::string_view route;  // the template; empty when not found
  std::vector<std::pair<std::string, std::string>> params;
  std::string allow;  // for method_not_allowed: "GET, POST"
};

class Router {
 public:
  void add(beast_http::verb method, std::string pattern, Handler handler);
  RouteMatch match(beast_http::verb method, std::string_view path) const;

 private:
  struct Route {
    beast_http::verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" marks a parameter
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace http
