#include "app/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace {

using Env = std::map<std::string, std::string>;

std::variant<app::ConfigRequest, app::ConfigError> load(const Env& env,
                                                        std::vector<const char*> args = {}) {
  args.insert(args.begin(), "realtime-board-api");
  return app::load_config(static_cast<int>(args.size()), args.data(),
                          [&](const std::string& name) -> std::optional<std::string> {
                            auto it = env.find(name);
                            if (it == env.end()) return std::nullopt;
                            return it->second;
                          });
}

std::string error_of(const std::variant<app::ConfigRequest, app::ConfigError>& result) {
  const auto* error = std::get_if<app::ConfigError>(&result);
  return error ? error->message : "";
}

TEST(Config, DefaultsWithoutEnvironment) {
  const auto result = load({});
  ASSERT_TRUE(std::holds_alternative<app::ConfigRequest>(result));
  const auto& config = std::get<app::ConfigRequest>(result).config;
  EXPECT_EQ(config.listen_address, "127.0.0.1");
  EXPECT_EQ(config.port, 8080);
  EXPECT_EQ(config.database_url, "sqlite://data/board.db");
  EXPECT_EQ(config.max_body_bytes, 1024u * 1024u);
  EXPECT_EQ(config.max_header_bytes, 8192u);
  EXPECT_GE(config.io_threads, 1u);
}

TEST(Config, ReadsEnvironmentAndFlagsWin) {
  const auto result = load({{"BOARD_PORT", "9000"}, {"BOARD_THREADS", "3"}}, {"--port", "9100"});
  ASSERT_TRUE(std::holds_alternative<app::ConfigRequest>(result));
  const auto& config = std::get<app::ConfigRequest>(result).config;
  EXPECT_EQ(config.port, 9100);
  EXPECT_EQ(config.io_threads, 3u);
}

TEST(Config, FlagWithEqualsSign) {
  const auto result = load({}, {"--database-url=sqlite:///tmp/x.db"});
  ASSERT_TRUE(std::holds_alternative<app::ConfigRequest>(result));
  EXPECT_EQ(std::get<app::ConfigRequest>(result).config.database_url, "sqlite:///tmp/x.db");
}

TEST(Config, PortThatIsNotANumberNamesTheSetting) {
  const std::string message = error_of(load({{"BOARD_PORT", "eighty"}}));
  EXPECT_EQ(message.rfind("BOARD_PORT: 'eighty'", 0), 0u) << message;
}

TEST(Config, PortOutOfRangeIsRejected) {
  EXPECT_NE(error_of(load({{"BOARD_PORT", "70000"}})), "");
  EXPECT_NE(error_of(load({{"BOARD_PORT", "-1"}})), "");
  EXPECT_NE(error_of(load({{"BOARD_PORT", "80x"}})), "");
}

TEST(Config, UnknownDatabaseSchemeNamesTheSetting) {
  const std::string message = error_of(load({{"DATABASE_URL", "mysql://db/board"}}));
  EXPECT_NE(message.find("DATABASE_URL"), std::string::npos) << message;
  EXPECT_NE(message.find("mysql"), std::string::npos) << message;
}

TEST(Config, DatabaseUrlWithoutSchemeIsRejected) {
  EXPECT_NE(error_of(load({{"DATABASE_URL", "board.db"}})), "");
}

TEST(Config, InvalidListenAddressIsRejected) {
  EXPECT_EQ(
      error_of(load({{"BOARD_LISTEN_ADDRESS", "localhost:80"}})).rfind("BOARD_LISTEN_ADDRESS", 0),
      0u);
}

TEST(Config, UnknownFlagIsRejected) {
  EXPECT_NE(error_of(load({}, {"--prot", "1"})).find("--prot"), std::string::npos);
}

TEST(Config, FlagWithoutValueIsRejected) {
  EXPECT_NE(error_of(load({}, {"--port"})).find("--port"), std::string::npos);
}

TEST(Config, ClientLogRate) {
  const auto result = load({{"BOARD_CLIENT_LOG_RATE", "5/60"}});
  ASSERT_TRUE(std::holds_alternative<app::ConfigRequest>(result));
  EXPECT_EQ(std::get<app::ConfigRequest>(result).config.client_log_requests, 5u);
  EXPECT_EQ(std::get<app::ConfigRequest>(result).config.client_log_window.count(), 60);
  EXPECT_NE(error_of(load({{"BOARD_CLIENT_LOG_RATE", "fast"}})), "");
}

TEST(Config, AuthLimitsAndHashingPool) {
  const auto defaults = std::get<app::ConfigRequest>(load({})).config;
  EXPECT_GE(defaults.hash_threads, 1u);
  EXPECT_EQ(defaults.login_failures_per_account.count, 10u);
  const auto result = load({{"BOARD_LOGIN_FAILURES_PER_ACCOUNT", "3/60s"},
                            {"BOARD_LOGIN_FAILURES_PER_ADDRESS", "7/30"},
                            {"BOARD_REGISTRATIONS_PER_ADDRESS", "2/3600s"},
                            {"BOARD_AUTH_LIMIT_KEYS", "500"},
                            {"BOARD_HASH_THREADS", "3"},
                            {"BOARD_HASH_QUEUE_LIMIT", "9"}});
  ASSERT_TRUE(std::holds_alternative<app::ConfigRequest>(result));
  const auto& config = std::get<app::ConfigRequest>(result).config;
  EXPECT_EQ(config.login_failures_per_account.count, 3u);
  EXPECT_EQ(config.login_failures_per_account.window.count(), 60);
  EXPECT_EQ(config.login_failures_per_address.count, 7u);
  EXPECT_EQ(config.login_failures_per_address.window.count(), 30);
  EXPECT_EQ(config.registrations_per_address.count, 2u);
  EXPECT_EQ(config.auth_limit_keys, 500u);
  EXPECT_EQ(config.hash_threads, 3u);
  EXPECT_EQ(config.hash_queue_limit, 9u);
  EXPECT_NE(error_of(load({{"BOARD_LOGIN_FAILURES_PER_ACCOUNT", "0/60s"}})), "");
  EXPECT_NE(error_of(load({{"BOARD_HASH_QUEUE_LIMIT", "0"}})), "");
}

TEST(Config, WriterAndSlowStatementSettings) {
  const auto defaults = std::get<app::ConfigRequest>(load({})).config;
  EXPECT_EQ(defaults.db_write_group, 64u);
  EXPECT_EQ(defaults.db_slow_statement.count(), 50);
  const auto result = load({{"BOARD_DB_WRITE_GROUP", "8"}, {"BOARD_DB_SLOW_STATEMENT_MS", "0"}});
  ASSERT_TRUE(std::holds_alternative<app::ConfigRequest>(result));
  const auto& config = std::get<app::ConfigRequest>(result).config;
  EXPECT_EQ(config.db_write_group, 8u);
  EXPECT_EQ(config.db_slow_statement.count(), 0);  // 0: no warnings
  EXPECT_EQ(error_of(load({{"BOARD_DB_WRITE_GROUP", "0"}})).rfind("BOARD_DB_WRITE_GROUP:", 0), 0u);
  EXPECT_EQ(error_of(load({{"BOARD_DB_SLOW_STATEMENT_MS", "-1"}}))
                .rfind("BOARD_DB_SLOW_STATEMENT_MS:", 0),
            0u);
}

TEST(Config, RealtimeSettings) {
  const auto result = load({{"BOARD_WS_MAX_MESSAGE_BYTES", "131072"},
                            {"BOARD_WS_ALLOWED_ORIGINS", "https://a.example, https://b.example,"},
                            {"BOARD_WS_MAX_PER_USER", "3"},
                            {"BOARD_WS_JOIN_WAIT_MS", "0"},
                            {"BOARD_WS_IDEMPOTENCY_WINDOW", "16"},
                            {"BOARD_EVENTS_KEEP_PER_BOARD", "50"},
                            {"BOARD_EVENTS_KEEP_SECONDS", "600"}});
  ASSERT_TRUE(std::holds_alternative<app::ConfigRequest>(result));
  const auto& config = std::get<app::ConfigRequest>(result).config;
  EXPECT_EQ(config.realtime.max_message_bytes, 131072u);
  EXPECT_EQ(config.realtime.allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(config.realtime.max_connections_per_user, 3u);
  EXPECT_EQ(config.realtime.join_wait, std::chrono::milliseconds(0));
  EXPECT_EQ(config.realtime.idempotency_window, 16u);
  EXPECT_EQ(config.sync.keep_per_board, 50);
  EXPECT_EQ(config.sync.keep_for, std::chrono::seconds(600));
  const std::string message = error_of(load({{"BOARD_WS_SEND_QUEUE_BYTES", "big"}}));
  EXPECT_EQ(message.rfind("BOARD_WS_SEND_QUEUE_BYTES: 'big'", 0), 0u) << message;
}

TEST(Config, HelpAndVersion) {
  EXPECT_EQ(std::get<app::ConfigRequest>(load({}, {"--help"})).kind,
            app::ConfigRequest::Kind::help);
  EXPECT_EQ(std::get<app::ConfigRequest>(load({}, {"--version"})).kind,
            app::ConfigRequest::Kind::version);
}

}  // namespace

namespace {

TEST(Config, TraceViewIsOnByDefaultWithItsBounds) {
  const auto config = std::get<app::ConfigRequest>(load({})).config;
  EXPECT_TRUE(config.trace_view.enabled);
  EXPECT_EQ(config.trace_view.slow, std::chrono::milliseconds(500));
  EXPECT_EQ(config.trace_view.max_bytes, 64u * 1024u * 1024u);
  EXPECT_TRUE(config.trace_view.debug_token.empty());
}

TEST(Config, TraceViewSettingsAreRead) {
  const auto result = load({{"BOARD_TRACE_VIEW", "off"},
                            {"BOARD_TRACE_VIEW_SLOW_MS", "250"},
                            {"BOARD_TRACE_VIEW_MAX_MB", "8"},
                            {"BOARD_TRACE_VIEW_MAX_TRACES", "100"},
                            {"BOARD_DEBUG_TOKEN", "0123456789abcdef"},
                            {"BOARD_TRACE_LINK_TEMPLATE", "https://g.example/{trace_id}"}});
  ASSERT_EQ(error_of(result), "");
  const auto& view = std::get<app::ConfigRequest>(result).config.trace_view;
  EXPECT_FALSE(view.enabled);
  EXPECT_EQ(view.slow, std::chrono::milliseconds(250));
  EXPECT_EQ(view.max_bytes, 8u * 1024u * 1024u);
  EXPECT_EQ(view.max_traces, 100u);
  EXPECT_EQ(view.debug_token, "0123456789abcdef");
  EXPECT_EQ(view.link_template, "https://g.example/{trace_id}");
}

TEST(Config, TraceSpansAreAllUnlessEntryIsAsked) {
  const auto all = load({});
  ASSERT_EQ(error_of(all), "");
  EXPECT_FALSE(std::get<app::ConfigRequest>(all).config.trace_entry_spans_only);
  const auto entry = load({{"BOARD_TRACE_SPANS", "entry"}});
  ASSERT_EQ(error_of(entry), "");
  EXPECT_TRUE(std::get<app::ConfigRequest>(entry).config.trace_entry_spans_only);
  EXPECT_EQ(error_of(load({{"BOARD_TRACE_SPANS", "some"}})).rfind("BOARD_TRACE_SPANS:", 0), 0u);
}

TEST(Config, InvalidTraceViewSettingsNameTheSetting) {
  EXPECT_EQ(error_of(load({{"BOARD_TRACE_VIEW", "maybe"}})).rfind("BOARD_TRACE_VIEW:", 0), 0u);
  EXPECT_EQ(error_of(load({{"BOARD_DEBUG_TOKEN", "short"}})).rfind("BOARD_DEBUG_TOKEN:", 0), 0u);
  EXPECT_EQ(error_of(load({{"BOARD_TRACE_LINK_TEMPLATE", "javascript:alert(1)"}}))
                .rfind("BOARD_TRACE_LINK_TEMPLATE:", 0),
            0u);
}

}  // namespace
