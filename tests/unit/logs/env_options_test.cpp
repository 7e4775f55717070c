#include <gtest/gtest.h>

#include <map>
#include <string>

#include "telemetry/logs/async_logger.hpp"

namespace telemetry::logs {
namespace {

Result<LoggerOptions> from(std::map<std::string, std::string> env, bool terminal) {
  return LoggerOptions::from_env(
      [env = std::move(env)](const char* name) -> const char* {
        const auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      terminal);
}

TEST(FromEnv, DefaultsFollowTheTerminal) {
  const auto piped = from({}, false);
  ASSERT_TRUE(piped.has_value());
  EXPECT_EQ(piped->format, Format::json);
  EXPECT_FALSE(piped->color);
  EXPECT_EQ(piped->filter.to_string(), "info");
  EXPECT_EQ(piped->file_path, "");
  EXPECT_EQ(piped->max_value_bytes, 8192u);
  EXPECT_EQ(piped->queue_capacity, 8192u);

  const auto terminal = from({}, true);
  ASSERT_TRUE(terminal.has_value());
  EXPECT_EQ(terminal->format, Format::pretty);
  EXPECT_TRUE(terminal->color);
}

TEST(FromEnv, ExplicitSettings) {
  const auto options = from({{"LOG_FORMAT", "JSON"},
                             {"LOG_LEVEL", "info,storage=debug,http=warn"},
                             {"LOG_FILE", "/var/log/board/api.log"},
                             {"LOG_MAX_VALUE_BYTES", "1024"},
                             {"LOG_QUEUE_CAPACITY", "100"}},
                            true);
  ASSERT_TRUE(options.has_value()) << options.error();
  EXPECT_EQ(options->format, Format::json);
  EXPECT_FALSE(options->color);  // never colour in JSON
  EXPECT_EQ(options->filter.to_string(), "info,http=warn,storage=debug");
  EXPECT_EQ(options->file_path, "/var/log/board/api.log");
  EXPECT_EQ(options->max_value_bytes, 1024u);
  EXPECT_EQ(options->queue_capacity, 100u);
}

TEST(FromEnv, Colour) {
  EXPECT_FALSE(from({{"NO_COLOR", "1"}}, true)->color);
  EXPECT_TRUE(from({{"NO_COLOR", ""}}, true)->color);
  EXPECT_TRUE(from({{"LOG_FORMAT", "pretty"}, {"LOG_COLOR", "always"}}, false)->color);
  EXPECT_FALSE(from({{"LOG_COLOR", "never"}}, true)->color);
  EXPECT_FALSE(from({{"LOG_FORMAT", "pretty"}}, false)->color);
}

TEST(FromEnv, ErrorsNameTheSetting) {
  const std::pair<std::map<std::string, std::string>, std::string> cases[] = {
      {{{"LOG_FORMAT", "xml"}}, "LOG_FORMAT: invalid value \"xml\" (expected json or pretty)"},
      {{{"LOG_LEVEL", "info,http=loud"}}, "LOG_LEVEL: invalid log directive \"http=loud\""},
      {{{"LOG_COLOR", "sometimes"}}, "LOG_COLOR: invalid value \"sometimes\""},
      {{{"LOG_MAX_VALUE_BYTES", "8k"}}, "LOG_MAX_VALUE_BYTES: invalid value \"8k\""},
      {{{"LOG_MAX_VALUE_BYTES", "10"}}, "LOG_MAX_VALUE_BYTES: invalid value \"10\""},
      {{{"LOG_QUEUE_CAPACITY", "0"}}, "LOG_QUEUE_CAPACITY: invalid value \"0\""},
  };
  for (const auto& [env, expected_prefix] : cases) {
    const auto result = from(env, false);
    ASSERT_FALSE(result.has_value()) << expected_prefix;
    EXPECT_EQ(result.error().substr(0, expected_prefix.size()), expected_prefix) << result.error();
  }
}

}  // namespace
}  // namespace telemetry::logs
