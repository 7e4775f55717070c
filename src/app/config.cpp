#include "app/config.hpp"

#include "api/client_log_options.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cstdlib>
#include <map>
#include <thread>

namespace app {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

namespace {

// Thrown inside this file only; load_config turns it into a ConfigError.
struct Invalid {
  std::string message;
};

template <class Integer>
Integer parse_integer(const std::string& setting, const std::string& text, Integer min, Integer max,
                      std::string_view what) {
  Integer value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    throw Invalid{setting + ": '" + text + "' is not " + std::string(what) + " (" +
                  std::to_string(min) + "-" + std::to_string(max) + ")"};
  }
  return value;
}

std::chrono::milliseconds parse_millis(const std::string& setting, const std::string& text) {
  return std::chrono::milliseconds(
      parse_integer<std::int64_t>(setting, text, 1, 3'600'000, "a duration in milliseconds"));
}

RateSetting parse_rate(const std::string& setting, const std::string& text) {
  const auto rate = api::parse_client_log_rate(text);
  if (!rate) throw Invalid{setting + ": '" + text + "' is not COUNT/SECONDS, e.g. 10/300s"};
  return RateSetting{rate->requests, rate->window};
}

void check_database_url(const std::string& setting, const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    throw Invalid{setting + ": '" + url + "' is not a URL (expected sqlite://path)"};
  }
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "sqlite") {
    throw Invalid{setting + ": unknown scheme '" + scheme + "' (supported: sqlite)"};
  }
  if (url.size() == scheme_end + 3) throw Invalid{setting + ": sqlite:// needs a file path"};
}

void check_address(const std::string& setting, const std::string& address) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(address, ec);
  if (ec) throw Invalid{setting + ": '" + address + "' is not an IP address"};
}

// The WebSocket limits and the kept board events.
void apply_realtime(Config& config, const std::string& name, const std::string& value) {
  auto& ws = config.realtime;
  if (name == "BOARD_WS_MAX_MESSAGE_BYTES") {
    ws.max_message_bytes =
        parse_integer<std::size_t>(name, value, 1024, 16 * 1024 * 1024, "a size in bytes");
  } else if (name == "BOARD_WS_SEND_QUEUE_BYTES") {
    ws.send_queue_bytes =
        parse_integer<std::size_t>(name, value, 1024, 1024 * 1024 * 1024, "a size in bytes");
  } else if (name == "BOARD_WS_IDLE_TIMEOUT_MS") {
    ws.idle_timeout = parse_millis(name, value);
  } else if (name == "BOARD_WS_MAX_PER_BOARD") {
    ws.max_connections_per_board =
        parse_integer<std::size_t>(name, value, 1, 100'000, "a connection count");
  } else if (name == "BOARD_WS_MAX_PER_USER") {
    ws.max_connections_per_user =
        parse_integer<std::size_t>(name, value, 1, 10'000, "a connection count");
  } else if (name == "BOARD_WS_EDITS_PER_SECOND") {
    ws.edits_per_second = parse_integer<unsigned>(name, value, 1, 100'000, "a rate per second");
  } else if (name == "BOARD_WS_CURSORS_PER_SECOND") {
    ws.cursors_per_second = parse_integer<unsigned>(name, value, 1, 100'000, "a rate per second");
  } else if (name == "BOARD_WS_JOIN_WAIT_MS") {
    ws.join_wait = std::chrono::milliseconds(
        parse_integer<std::int64_t>(name, value, 0, 10'000, "a duration in milliseconds"));
  } else if (name == "BOARD_WS_IDEMPOTENCY_WINDOW") {
    ws.idempotency_window =
        parse_integer<std::size_t>(name, value, 1, 100'000, "a count of client ids");
  } else if (name == "BOARD_WS_ALLOWED_ORIGINS") {
    ws.allowed_origins.clear();
    std::size_t start = 0;
    while (start <= value.size()) {
      const std::size_t comma = std::min(value.find(',', start), value.size());
      std::string origin = value.substr(start, comma - start);
      std::erase(origin, ' ');
      if (!origin.empty()) ws.allowed_origins.push_back(std::move(origin));
      start = comma + 1;
    }
  } else if (name == "BOARD_EVENTS_KEEP_SECONDS") {
    config.sync.keep_for = std::chrono::seconds(
        parse_integer<std::int64_t>(name, value, 1, 365 * 24 * 3600, "a duration in seconds"));
  } else if (name == "BOARD_EVENTS_KEEP_PER_BOARD") {
    config.sync.keep_per_board =
        parse_integer<std::int64_t>(name, value, 1, 100'000'000, "an event count");
  } else if (name == "BOARD_EVENTS_MAX_CATCH_UP") {
    config.sync.max_catch_up =
        parse_integer<std::size_t>(name, value, 1, 1'000'000, "an event count");
  } else if (name == "BOARD_EVENTS_PRUNE_INTERVAL_MS") {
    config.prune_interval = parse_millis(name, value);
  }
}

// Applies one setting by its environment-variable name; flags map onto the same names.
void apply(Config& config, const std::string& name, const std::string& value) {
  if (name == "BOARD_LISTEN_ADDRESS") {
    check_address(name, value);
    config.listen_address = value;
  } else if (name == "BOARD_PORT") {
    config.port = parse_integer<std::uint16_t>(name, value, 0, 65535, "a port number");
  } else if (name == "DATABASE_URL") {
    check_database_url(name, value);
    config.database_url = value;
  } else if (name == "BOARD_THREADS") {
    config.io_threads = parse_integer<unsigned>(name, value, 1, 256, "a thread count");
  } else if (name == "BOARD_DB_THREADS") {
    config.db_threads = parse_integer<unsigned>(name, value, 1, 64, "a thread count");
  } else if (name == "BOARD_DB_QUEUE_LIMIT") {
    config.db_queue_limit = parse_integer<std::size_t>(name, value, 1, 1'000'000, "a job count");
  } else if (name == "BOARD_DB_WRITE_GROUP") {
    config.db_write_group = parse_integer<std::size_t>(name, value, 1, 10'000, "a write count");
  } else if (name == "BOARD_DB_SLOW_STATEMENT_MS") {
    config.db_slow_statement = std::chrono::milliseconds(
        parse_integer<std::int64_t>(name, value, 0, 3'600'000, "a duration in milliseconds"));
  } else if (name == "BOARD_MAX_BODY_BYTES") {
    config.max_body_bytes =
        parse_integer<std::size_t>(name, value, 1024, 64 * 1024 * 1024, "a size in bytes");
  } else if (name == "BOARD_MAX_HEADER_BYTES") {
    config.max_header_bytes =
        parse_integer<std::size_t>(name, value, 1024, 1024 * 1024, "a size in bytes");
  } else if (name == "BOARD_HEADER_TIMEOUT_MS") {
    config.header_timeout = parse_millis(name, value);
  } else if (name == "BOARD_BODY_TIMEOUT_MS") {
    config.body_timeout = parse_millis(name, value);
  } else if (name == "BOARD_IDLE_TIMEOUT_MS") {
    config.idle_timeout = parse_millis(name, value);
  } else if (name == "BOARD_SHUTDOWN_TIMEOUT_MS") {
    config.shutdown_timeout = parse_millis(name, value);
  } else if (name == "BOARD_MAX_CONNECTIONS") {
    config.max_connections =
        parse_integer<std::size_t>(name, value, 1, 1'000'000, "a connection count");
  } else if (name == "BOARD_PASSWORD_HASH") {
    if (value != "interactive" && value != "min") {
      throw Invalid{name + ": '" + value + "' is not one of interactive, min"};
    }
    config.password_hash_profile = value;
  } else if (name == "BOARD_TOKEN_TTL_SECONDS") {
    config.token_ttl = std::chrono::seconds(
        parse_integer<std::int64_t>(name, value, 60, 365 * 24 * 3600, "a duration in seconds"));
  } else if (name == "BOARD_MAX_ELEMENTS_PER_BOARD") {
    config.max_elements_per_board =
        parse_integer<std::int64_t>(name, value, 1, 10'000'000, "an element count");
  } else if (name == "BOARD_MAX_MEMBERS_PER_BOARD") {
    config.max_members_per_board =
        parse_integer<std::int64_t>(name, value, 1, 1'000'000, "a member count");
  } else if (name == "BOARD_DEBUG_FAULTS") {
    if (value != "0" && value != "1") throw Invalid{name + ": '" + value + "' is not 0 or 1"};
    config.debug_faults = value == "1";
  } else if (name == "BOARD_HASH_THREADS") {
    config.hash_threads = parse_integer<unsigned>(name, value, 1, 64, "a thread count");
  } else if (name == "BOARD_HASH_QUEUE_LIMIT") {
    config.hash_queue_limit = parse_integer<std::size_t>(name, value, 1, 100'000, "a job count");
  } else if (name == "BOARD_LOGIN_FAILURES_PER_ACCOUNT") {
    config.login_failures_per_account = parse_rate(name, value);
  } else if (name == "BOARD_LOGIN_FAILURES_PER_ADDRESS") {
    config.login_failures_per_address = parse_rate(name, value);
  } else if (name == "BOARD_REGISTRATIONS_PER_ADDRESS") {
    config.registrations_per_address = parse_rate(name, value);
  } else if (name == "BOARD_AUTH_LIMIT_KEYS") {
    config.auth_limit_keys =
        parse_integer<std::size_t>(name, value, 1, 10'000'000, "a number of keys");
  } else if (name == "BOARD_TRACE_VIEW") {
    if (value != "on" && value != "off") throw Invalid{name + ": '" + value + "' is not on or off"};
    config.trace_view.enabled = value == "on";
  } else if (name == "BOARD_TRACE_SPANS") {
    if (value != "all" && value != "entry")
      throw Invalid{name + ": '" + value + "' is not all or entry"};
    config.trace_entry_spans_only = value == "entry";
  } else if (name == "BOARD_TRACE_VIEW_SLOW_MS") {
    config.trace_view.slow = parse_millis(name, value);
  } else if (name == "BOARD_TRACE_VIEW_MAX_MB") {
    config.trace_view.max_bytes =
        parse_integer<std::size_t>(name, value, 1, 65'536, "a size in MiB") * 1024 * 1024;
  } else if (name == "BOARD_TRACE_VIEW_MAX_TRACES") {
    config.trace_view.max_traces =
        parse_integer<std::size_t>(name, value, 1, 10'000'000, "a trace count");
  } else if (name == "BOARD_DEBUG_TOKEN") {
    // Short tokens are guessable; the view shows every request's spans and logs.
    if (value.size() < 16) throw Invalid{name + ": must be at least 16 characters"};
    config.trace_view.debug_token = value;
  } else if (name == "BOARD_TRACE_LINK_TEMPLATE") {
    if (!value.starts_with("http://") && !value.starts_with("https://")) {
      throw Invalid{name + ": '" + value + "' is not an http(s) URL"};
    }
    config.trace_view.link_template = value;
  } else if (name == "BOARD_CLIENT_LOG_RATE") {
    const auto rate = api::parse_client_log_rate(value);
    if (!rate) {
      throw Invalid{name + ": '" + value + "' is not REQUESTS/SECONDS, e.g. 20/10s"};
    }
    config.client_log_requests = static_cast<unsigned>(rate->requests);
    config.client_log_window = rate->window;
  } else {
    apply_realtime(config, name, value);
  }
}

const std::map<std::string, std::string, std::less<>>& flag_names() {
  static const auto* flags = new std::map<std::string, std::string, std::less<>>{
      {"--listen-address", "BOARD_LISTEN_ADDRESS"},
      {"--port", "BOARD_PORT"},
      {"--database-url", "DATABASE_URL"},
      {"--threads", "BOARD_THREADS"},
  };
  return *flags;
}

constexpr const char* kEnvironmentSettings[] = {
    "BOARD_LISTEN_ADDRESS",
    "BOARD_PORT",
    "DATABASE_URL",
    "BOARD_THREADS",
    "BOARD_DB_THREADS",
    "BOARD_DB_QUEUE_LIMIT",
    "BOARD_DB_WRITE_GROUP",
    "BOARD_DB_SLOW_STATEMENT_MS",
    "BOARD_MAX_BODY_BYTES",
    "BOARD_MAX_HEADER_BYTES",
    "BOARD_HEADER_TIMEOUT_MS",
    "BOARD_BODY_TIMEOUT_MS",
    "BOARD_IDLE_TIMEOUT_MS",
    "BOARD_SHUTDOWN_TIMEOUT_MS",
    "BOARD_MAX_CONNECTIONS",
    "BOARD_PASSWORD_HASH",
    "BOARD_TOKEN_TTL_SECONDS",
    "BOARD_MAX_ELEMENTS_PER_BOARD",
    "BOARD_MAX_MEMBERS_PER_BOARD",
    "BOARD_CLIENT_LOG_RATE",
    "BOARD_DEBUG_FAULTS",
    "BOARD_HASH_THREADS",
    "BOARD_HASH_QUEUE_LIMIT",
    "BOARD_LOGIN_FAILURES_PER_ACCOUNT",
    "BOARD_LOGIN_FAILURES_PER_ADDRESS",
    "BOARD_REGISTRATIONS_PER_ADDRESS",
    "BOARD_AUTH_LIMIT_KEYS",
    "BOARD_TRACE_VIEW",
    "BOARD_TRACE_SPANS",
    "BOARD_TRACE_VIEW_SLOW_MS",
    "BOARD_TRACE_VIEW_MAX_MB",
    "BOARD_TRACE_VIEW_MAX_TRACES",
    "BOARD_DEBUG_TOKEN",
    "BOARD_TRACE_LINK_TEMPLATE",
    "BOARD_WS_MAX_MESSAGE_BYTES",
    "BOARD_WS_SEND_QUEUE_BYTES",
    "BOARD_WS_IDLE_TIMEOUT_MS",
    "BOARD_WS_MAX_PER_BOARD",
    "BOARD_WS_MAX_PER_USER",
    "BOARD_WS_EDITS_PER_SECOND",
    "BOARD_WS_CURSORS_PER_SECOND",
    "BOARD_WS_JOIN_WAIT_MS",
    "BOARD_WS_IDEMPOTENCY_WINDOW",
    "BOARD_WS_ALLOWED_ORIGINS",
    "BOARD_EVENTS_KEEP_SECONDS",
    "BOARD_EVENTS_KEEP_PER_BOARD",
    "BOARD_EVENTS_MAX_CATCH_UP",
    "BOARD_EVENTS_PRUNE_INTERVAL_MS",
};

}  // namespace

std::variant<ConfigRequest, ConfigError> load_config(int argc, const char* const* argv,
                                                     const EnvLookup& env) {
  ConfigRequest request;
  try {
    for (const char* name : kEnvironmentSettings) {
      if (auto value = env(name)) apply(request.config, name, *value);
    }
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        request.kind = ConfigRequest::Kind::help;
        return request;
      }
      if (arg == "--version") {
        request.kind = ConfigRequest::Kind::version;
        return request;
      }
      const std::size_t equals = arg.find('=');
      const std::string_view flag = arg.substr(0, equals);
      const auto known = flag_names().find(flag);
      if (known == flag_names().end()) throw Invalid{"unknown option '" + std::string(arg) + "'"};
      std::string value;
      if (equals != std::string_view::npos) {
        value = std::string(arg.substr(equals + 1));
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        throw Invalid{std::string(flag) + ": missing value"};
      }
      apply(request.config, known->second, value);
    }
  } catch (const Invalid& invalid) {
    return ConfigError{invalid.message};
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (request.config.io_threads == 0) request.config.io_threads = cores;
  // SQLite serializes writers, so more database threads than cores only adds waiting
  // (measured in docs/performance.md); two keep one read going beside a write.
  if (request.config.db_threads == 0) request.config.db_threads = std::max(2u, cores);
  // Hashing is CPU-bound: leave the other half of the cores to the network and the
  // database (each hash also holds its memory cost, 64 MiB by default).
  if (request.config.hash_threads == 0) request.config.hash_threads = std::max(1u, cores / 2);
  return request;
}

std::string usage_text() {
  return "usage: realtime-board-api [--listen-address ADDR] [--port N] [--database-url URL]\n"
         "                          [--threads N] [--version] [--help]\n"
         "Every setting is also an environment variable; see README.md for the full table.\n";
}

}  // namespace app
