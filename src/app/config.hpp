#pragma once
// The service's settings: environment variables, some also as command-line flags
// (a flag wins). Every setting, its default and meaning is in README.md's table.
// Invalid values stop start-up with one line naming the setting (exit status 2).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "domain/sync_service.hpp"
#include "realtime/options.hpp"

namespace app {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

struct RateSetting {
  std::size_t count = 0;
  std::chrono::seconds window{0};
};

// The built-in trace view (/debug/traces) and who may read it.
struct TraceViewSettings {
  bool enabled = true;
  std::chrono::milliseconds slow{500};       // a local root this slow is kept
  std::size_t max_bytes = 64 * 1024 * 1024;  // memory bound of the stored traces
  std::size_t max_traces = 10'000;           // count bound of the stored traces
  std::string debug_token;                   // empty: loopback clients only
  std::string link_template;                 // "https://grafana/...{trace_id}..."
};

struct Config {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string database_url = "sqlite://data/board.db";
  unsigned io_threads = 0;                          // 0: one per core
  unsigned db_threads = 0;                          // 0: one per core, at least 2
  std::size_t db_queue_limit = 1024;                // writes queued
  std::size_t db_write_group = 64;                  // writes per group commit at most
  std::chrono::milliseconds db_slow_statement{50};  // 0: no slow-statement warnings
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 8 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::size_t max_connections = 0;  // 0: what the descriptor limit allows (connection_cap.hpp)
  std::string password_hash_profile = "interactive";  // interactive | min (min: for tests only)
  std::chrono::seconds token_ttl{24 * 3600};
  std::int64_t max_elements_per_board = 10000;
  std::int64_t max_members_per_board = 1000;
  unsigned client_log_requests = 20;           // per client address ...
  std::chrono::seconds client_log_window{10};  // ... in this window
  bool debug_faults = false;                   // GET /debug/fault, for testing the error path
  // Password hashing runs on its own pool (see api::Dependencies::hashing).
  unsigned hash_threads = 0;  // 0: half the cores, at least 1
  std::size_t hash_queue_limit = 64;
  // Password guessing and account flooding: COUNT in any window of SECONDS.
  RateSetting login_failures_per_account{10, std::chrono::seconds(300)};
  RateSetting login_failures_per_address{50, std::chrono::seconds(300)};
  RateSetting registrations_per_address{20, std::chrono::seconds(3600)};
  std::size_t auth_limit_keys = 10000;  // accounts or addresses each limit remembers
  TraceViewSettings trace_view;
  bool trace_entry_spans_only = false;  // BOARD_TRACE_SPANS=entry
  realtime::Options realtime;           // BOARD_WS_*
  domain::SyncOptions sync;             // BOARD_EVENTS_*: kept events, catch-up
  std::chrono::milliseconds prune_interval{60'000};
};

struct ConfigError {
  std::string message;  // "BOARD_PORT: 'abc' is not a port number (0-65535)"
};

struct ConfigRequest {
  enum class Kind { run, help, version } kind = Kind::run;
  Config config;
};

std::variant<ConfigRequest, ConfigError> load_config(int argc, const char* const* argv,
                                                     const EnvLookup& env);

std::string usage_text();

}  // namespace app
