// Secrets never reach a line, in either format, at any level.

#include <gtest/gtest.h>

#include "log_test_support.hpp"
#include "telemetry/logs/redaction.hpp"

namespace telemetry::logs {
namespace {

using testing::CapturingSink;
using testing::soon;
using testing::test_options;

TEST(IsSecretKey, MatchesTheSecretFamiliesIgnoringCaseAndSeparators) {
  for (const char* key : {"authorization", "Authorization", "proxy-authorization", "cookie",
                          "Cookie",        "Set-Cookie",    "set_cookie",          "password",
                          "db_password",   "passwd",        "client_secret",       "SECRET",
                          "token",         "access_token",  "refresh_token",       "X-Auth-Token",
                          "api_key",       "api-key",       "X-Api-Key",           "apikey",
                          "ApiKey"}) {
    EXPECT_TRUE(is_secret_key(key)) << key;
  }
  for (const char* key : {"user_id", "status", "path", "method", "api", "key", "pass", "auth",
                          "request_id", "cook"}) {
    EXPECT_FALSE(is_secret_key(key)) << key;
  }
}

TEST(LooksLikeCredential, BearerValues) {
  EXPECT_TRUE(looks_like_credential("Bearer eyJhbGciOi"));
  EXPECT_TRUE(looks_like_credential("  bearer abc"));
  EXPECT_FALSE(looks_like_credential("Bearers of news"));
  EXPECT_FALSE(looks_like_credential("GET /"));
}

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
                 {"path", "/api/boards"}});
  }
  ASSERT_TRUE(logger->flush(soon()));
  const std::string text = sink->text();
  for (const char* secret : {"eyJhbGciOiJIUzI1NiJ9", "secret-jwt", "hunter2", "cookie-value-1",
                             "cookie-value-2", "ak_live_123", "987654321", "innocent-key-token"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked:\n" << text;
  }
  EXPECT_EQ(sink->lines().size(), 5u);
  EXPECT_NE(text.find("/api/boards"), std::string::npos);  // the rest is still there
  const std::string redacted =
      GetParam() == Format::json ? R"("password":"[REDACTED]")" : "password=[REDACTED]";
  EXPECT_NE(text.find(redacted), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(BothFormats, Redaction, ::testing::Values(Format::json, Format::pretty));

}  // namespace
}  // namespace telemetry::logs
