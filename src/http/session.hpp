#pragma once
// Serves one connection: reads requests one after another (keep-alive, pipelining),
// enforcing the size limits and timeouts, and answers each through the router.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "http/router.hpp"
#include "http/server.hpp"

namespace http {

class Connection;

struct SessionSettings {
  const ServerOptions& options;
  const Router& router;
  telemetry::Tracer& tracer;
  const telemetry::logs::Logger& logger;
  const telemetry::http::ServerExchangeOptions& exchange_options;
  const std::atomic<bool>& stopping;
};

boost::asio::awaitable<void> run_session(std::shared_ptr<Connection> connection,
                                         SessionSettings settings);

}  // namespace http
