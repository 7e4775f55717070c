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

TEST(Config, RealtimeSettings) {
  const auto result = load({{"BOARD_WS_MAX_MESSAGE_BYTES", "131072"},
                            {"BOARD_WS_ALLOWED_ORIGINS", "https://a.example, https://b.example,"},
                            {"BOARD_WS_MAX_PER_USER", "3"},
                            {"BOARD_EVENTS_KEEP_PER_BOARD", "50"},
                            {"BOARD_EVENTS_KEEP_SECONDS", "600"}});
  ASSERT_TRUE(std::holds_alternative<app::ConfigRequest>(result));
  const auto& config = std::get<app::ConfigRequest>(result).config;
  EXPECT_EQ(config.realtime.max_message_bytes, 131072u);
  EXPECT_EQ(config.realtime.allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(config.realtime.max_connections_per_user, 3u);
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
