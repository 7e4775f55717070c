// Secrets never reach a line, in either format, at any level. The rule itself is
// tested case by case in tests/unit/redaction.

#include <gtest/gtest.h>

#include "log_test_support.hpp"

namespace telemetry::logs {
namespace {

using testing::CapturingSink;
using testing::soon;
using testing::test_options;

class Redaction : public ::testing::TestWithParam<Format> {};

TEST_P(Redaction, SecretsNeverAppearAtAnyLevel) {
  auto sink = std::make_shared<CapturingSink>();
  LoggerOptions options = test_options(sink);
  options.format = GetParam();
  options.filter = LevelFilter(Level::trace);
  auto logger = make_logger(std::move(options));
  for (Level level : {Level::trace, Level::debug, Level::info, Level::warn, Level::error}) {
    logger->log(level, "http", "request",
                {{"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.secret-jwt"},
                 {"password", "hunter2"},
                 {"Cookie", "sid=cookie-value-1"},
                 {"Set-Cookie", "sid=cookie-value-2; HttpOnly"},
                 {"x-api-key", "ak_live_123"},
                 {"refresh_token", std::int64_t{987654321}},
                 {"header", "Bearer innocent-key-token"},
                 {"note", "retry with token=tok-in-text-42 later"},
                 {"path", "/api/boards"}});
  }
  ASSERT_TRUE(logger->flush(soon()));
  const std::string text = sink->text();
  for (const char* secret :
       {"eyJhbGciOiJIUzI1NiJ9", "secret-jwt", "hunter2", "cookie-value-1", "cookie-value-2",
        "ak_live_123", "987654321", "innocent-key-token", "tok-in-text-42"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked:\n" << text;
  }
  EXPECT_EQ(sink->lines().size(), 5u);
  EXPECT_NE(text.find("/api/boards"), std::string::npos);  // the rest is still there
  const std::string redacted =
      GetParam() == Format::json ? R"("password":"[REDACTED]")" : "password=[REDACTED]";
  EXPECT_NE(text.find(redacted), std::string::npos) << text;
  EXPECT_NE(text.find("retry with token=[REDACTED] later"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(BothFormats, Redaction, ::testing::Values(Format::json, Format::pretty));

}  // namespace
}  // namespace telemetry::logs
