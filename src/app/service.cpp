#include "app/service.hpp"

#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>

#include "api/routes.hpp"
#include "app/debug_routes.hpp"
#include "app/trace_view_routes.hpp"
#include "domain/services.hpp"
#include "http/event_loops.hpp"
#include "http/server.hpp"
#include "realtime/hub.hpp"
#include "realtime/page.hpp"
#include "realtime/routes.hpp"
#include "storage/db_executor.hpp"
#include "storage/open_backend.hpp"

namespace app {

namespace {

domain::AccountOptions account_options(const Config& config) {
  domain::AccountOptions options;
  options.password_cost = config.password_hash_profile == "min"
                              ? domain::PasswordCost::minimal()
                              : domain::PasswordCost::interactive();
  options.token_ttl = config.token_ttl;
  return options;
}

api::AuthLimitOptions auth_limit_options(const Config& config) {
  api::AuthLimitOptions options;
  options.login_failures_per_account = {config.login_failures_per_account.count,
                                        config.login_failures_per_account.window};
  options.login_failures_per_address = {config.login_failures_per_address.count,
                                        config.login_failures_per_address.window};
  options.registrations_per_address = {config.registrations_per_address.count,
                                       config.registrations_per_address.window};
  options.max_tracked = config.auth_limit_keys;
  return options;
}

domain::BoardLimits board_limits(const Config& config) {
  return domain::BoardLimits{config.max_elements_per_board, config.max_members_per_board};
}

http::ServerOptions server_options(const Config& config) {
  http::ServerOptions options;
  options.listen_address = config.listen_address;
  options.port = config.port;
  options.max_body_bytes = config.max_body_bytes;
  options.max_header_bytes = config.max_header_bytes;
  options.header_timeout = config.header_timeout;
  options.body_timeout = config.body_timeout;
  options.idle_timeout = config.idle_timeout;
  if (config.max_connections != 0) options.max_connections = config.max_connections;
  options.exchange.quiet_routes = api::health_check_routes();
  // The trace view's pages poll its JSON: their access lines stay at debug level.
  for (const char* route : {"/debug/api/traces", "/debug/api/pipeline"}) {
    options.exchange.quiet_routes.emplace_back(route);
  }
  return options;
}

// Start-up work (migrations) is traced like a request, under one "startup" span.
std::unique_ptr<storage::Backend> open_storage(const Config& config, Telemetry& telemetry) {
  telemetry::Span span = telemetry.tracing->tracer().start_span(
      "startup", telemetry::SpanKind::internal, telemetry::SpanContext{});
  telemetry::RequestIdentity identity{"startup", std::nullopt};
  const telemetry::Context ctx(*telemetry.logger, span, identity);
  storage::BackendOptions options;
  options.threads = config.db_threads;
  options.max_pending = config.db_queue_limit;
  options.max_group = config.db_write_group;
  options.slow_statement = config.db_slow_statement;
  return storage::open_backend(ctx, config.database_url, options);
}

// Drops board events past the kept age and count, every `interval`, on the database
// pool and under its own trace, until the event loops stop.
boost::asio::awaitable<void> prune_events(domain::SyncService& sync, storage::Executor& executor,
                                          Telemetry& telemetry,
                                          std::chrono::milliseconds interval) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    timer.expires_after(interval);
    co_await timer.async_wait(boost::asio::use_awaitable);
    telemetry::Span span = telemetry.tracing->tracer().start_span(
        "prune board events", telemetry::SpanKind::internal, telemetry::SpanContext{});
    telemetry::RequestIdentity identity{"prune", std::nullopt};
    const telemetry::Context ctx(*telemetry.logger, span, identity);
    try {
      co_await executor.run([&] { return sync.prune(ctx); });
    } catch (const std::exception& failure) {
      ctx.warn("app", "pruning board events failed", {{"error", failure.what()}});
    }
  }
}

}  // namespace

std::vector<std::string> unsampled_routes() {
  std::vector<std::string> names;
  for (const auto& route : api::health_check_routes()) names.push_back("GET " + route);
  return names;
}

int run_service(const Config& config, Telemetry& telemetry) {
  const auto& logger = *telemetry.logger;
  telemetry.log_startup();

  std::unique_ptr<storage::Backend> storage;
  try {
    storage = open_storage(config, telemetry);
  } catch (const std::exception& failure) {
    logger.error("app", "cannot open the database",
                 {{"database_url", config.database_url}, {"error", failure.what()}});
    return 1;
  }

  api::ClientLogOptions client_logs;
  client_logs.rate_requests = config.client_log_requests;
  client_logs.rate_window = config.client_log_window;
  // Every committed board change is published to the hub, which fans it out to the
  // board's live connections; after_commit holds each event until its change commits.
  realtime::Hub hub(config.realtime);
  domain::Services services(storage->repositories(), account_options(config),
                            storage->after_commit(hub), config.sync, board_limits(config));
  storage::DbExecutor hashing({config.hash_threads, config.hash_queue_limit, "password hashing"});
  api::Dependencies dependencies{
      services,
      storage->executor(),
      [&storage = *storage](const telemetry::Context& ctx) { return storage.ping(ctx); },
      logger,
      client_logs,
      hashing,
      auth_limit_options(config)};
  http::Router router;
  api::register_routes(router, dependencies);
  realtime::Services live{dependencies, hub, config.realtime, telemetry.tracing->tracer()};
  realtime::register_routes(router, live);
  realtime::register_page(router);
  if (config.debug_faults) register_fault_route(router);
  if (telemetry.trace_view) {
    register_trace_view_routes(router, telemetry.trace_view, *telemetry.tracing, config.trace_view);
  }

  // One event loop per I/O thread; the first also runs the acceptor, the signals and
  // the pruning timer (ADR 019).
  http::EventLoops loops(config.io_threads);
  http::Server server(loops, server_options(config), router, telemetry.tracing->tracer(), logger);
  std::uint16_t port = 0;
  try {
    port = server.start();
  } catch (const std::exception& failure) {
    logger.error("app", "cannot listen",
                 {{"address", config.listen_address},
                  {"port", static_cast<std::int64_t>(config.port)},
                  {"error", failure.what()}});
    return 1;
  }
  const std::string url = "http://" + config.listen_address + ":" + std::to_string(port);
  logger.info("app", "listening",
              {{"address", config.listen_address},
               {"port", static_cast<std::int64_t>(port)},
               {"url", url},
               {"io_threads", static_cast<std::int64_t>(config.io_threads)},
               {"db_threads", static_cast<std::int64_t>(config.db_threads)},
               {"hash_threads", static_cast<std::int64_t>(config.hash_threads)},
               {"max_connections", static_cast<std::int64_t>(config.max_connections)}});
  if (telemetry.trace_view) {
    logger.info("app", "trace view",
                {{"url", url + "/debug/traces"},
                 {"access", config.trace_view.debug_token.empty()
                                ? "loopback clients only"
                                : "loopback clients, or BOARD_DEBUG_TOKEN as a bearer token"}});
  }

  bool stopping = false;
  boost::asio::co_spawn(
      loops.first(),
      prune_events(services.sync(), storage->executor(), telemetry, config.prune_interval),
      boost::asio::detached);

  boost::asio::signal_set signals(loops.first(), SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        if (stopping) {
          // The operator asked twice: leave now, without waiting for anything.
          static constexpr char kMessage[] = "second signal: exiting immediately\n";
          [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
          std::_Exit(128 + signal_number);
        }
        stopping = true;
        logger.info("app", "shutting down",
                    {{"signal", signal_number},
                     {"grace_ms", static_cast<std::int64_t>(config.shutdown_timeout.count())}});
        server.shutdown(config.shutdown_timeout, [&loops] { loops.stop(); });
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  loops.run();

  hashing.drain();              // every hash already admitted runs to its end, too
  storage->executor().drain();  // every database job already admitted runs to its end
  storage.reset();              // closes the database before the services go
  logger.info("app", "stopped");
  return 0;
}

}  // namespace app
