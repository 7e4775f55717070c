#include "app/debug_routes.hpp"

#include <stdexcept>

namespace app {

void register_fault_route(http::Router& router) {
  router.add(
      boost::beast::http::verb::get, "/debug/fault",
      [](http::Request&, const telemetry::Context&) -> boost::asio::awaitable<http::Response> {
        throw std::runtime_error("fault injected by GET /debug/fault");
        co_return http::Response{};
      });
}

}  // namespace app
