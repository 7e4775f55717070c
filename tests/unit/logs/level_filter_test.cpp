#include <gtest/gtest.h>

#include "telemetry/logs/level_filter.hpp"

namespace telemetry::logs {
namespace {

LevelFilter parse_ok(std::string_view spec) {
  auto result = LevelFilter::parse(spec);
  EXPECT_TRUE(result.has_value()) << spec << ": " << (result ? "" : result.error());
  return result ? *result : LevelFilter{};
}

TEST(Level, NamesRoundTrip) {
  for (Level level :
       {Level::trace, Level::debug, Level::info, Level::warn, Level::error, Level::off}) {
    EXPECT_EQ(parse_level(to_string(level)), level);
  }
  EXPECT_EQ(parse_level("WARNING"), Level::warn);
  EXPECT_EQ(parse_level("Info"), Level::info);
  EXPECT_EQ(parse_level("verbose"), std::nullopt);
}

TEST(LevelFilter, DefaultIsInfo) {
  const LevelFilter filter = parse_ok("");
  EXPECT_FALSE(filter.enabled(Level::debug, "http"));
  EXPECT_TRUE(filter.enabled(Level::info, "http"));
  EXPECT_EQ(parse_ok("  ").to_string(), "info");
}

TEST(LevelFilter, PerTargetDirectives) {
  const LevelFilter filter = parse_ok("info,storage=debug,http=warn");
  EXPECT_TRUE(filter.enabled(Level::info, "auth"));
  EXPECT_FALSE(filter.enabled(Level::debug, "auth"));
  EXPECT_TRUE(filter.enabled(Level::debug, "storage"));
  EXPECT_FALSE(filter.enabled(Level::trace, "storage"));
  EXPECT_FALSE(filter.enabled(Level::info, "http"));
  EXPECT_TRUE(filter.enabled(Level::warn, "http"));
}

TEST(LevelFilter, TargetMatchesAsDottedPrefixOnly) {
  const LevelFilter filter = parse_ok("warn,storage=debug");
  EXPECT_TRUE(filter.enabled(Level::debug, "storage.sqlite"));
  EXPECT_FALSE(filter.enabled(Level::debug, "storagex"));
  EXPECT_FALSE(filter.enabled(Level::debug, "stor"));
}

TEST(LevelFilter, LongestMatchWinsWhateverTheOrder) {
  for (const char* spec :
       {"storage=warn,storage.sqlite=trace", "storage.sqlite=trace,storage=warn"}) {
    const LevelFilter filter = parse_ok(spec);
    EXPECT_TRUE(filter.enabled(Level::trace, "storage.sqlite.pool")) << spec;
    EXPECT_FALSE(filter.enabled(Level::info, "storage.cache")) << spec;
    EXPECT_EQ(filter.level_for("storage"), Level::warn) << spec;
  }
}

TEST(LevelFilter, DefaultMayComeAnywhereAndIgnoresCaseAndBlanks) {
  const LevelFilter filter = parse_ok(" http = WARN , Debug ");
  EXPECT_TRUE(filter.enabled(Level::debug, "auth"));
  EXPECT_FALSE(filter.enabled(Level::info, "http"));
  EXPECT_EQ(filter.to_string(), "debug,http=warn");
}

TEST(LevelFilter, OffSilences) {
  const LevelFilter filter = parse_ok("off,audit=info");
  EXPECT_FALSE(filter.enabled(Level::error, "http"));
  EXPECT_TRUE(filter.enabled(Level::info, "audit"));
  EXPECT_FALSE(filter.enabled(Level::off, "audit"));  // "off" is not a level to write at
}

TEST(LevelFilter, CanonicalFormParsesBackToTheSameFilter) {
  const LevelFilter filter = parse_ok("http=warn,info,storage.sqlite=trace,storage=debug");
  EXPECT_EQ(filter.to_string(), "info,http=warn,storage=debug,storage.sqlite=trace");
  EXPECT_EQ(parse_ok(filter.to_string()).to_string(), filter.to_string());
}

struct InvalidCase {
  const char* spec;
  const char* named;   // the directive the message must quote
  const char* reason;  // part of the explanation
};

class InvalidDirective : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidDirective, IsAnErrorNamingIt) {
  const InvalidCase& c = GetParam();
  const auto result = LevelFilter::parse(c.spec);
  ASSERT_FALSE(result.has_value()) << c.spec;
  EXPECT_NE(result.error().find(std::string("\"") + c.named + "\""), std::string::npos)
      << result.error();
  EXPECT_NE(result.error().find(c.reason), std::string::npos) << result.error();
}

INSTANTIATE_TEST_SUITE_P(
    LevelFilter, InvalidDirective,
    ::testing::Values(InvalidCase{"verbose", "verbose", "unknown level \"verbose\""},
                      InvalidCase{"info,http=loud", "http=loud", "unknown level \"loud\""},
                      InvalidCase{"info,", "", "empty directive"},
                      InvalidCase{",info", "", "empty directive"},
                      InvalidCase{"info,,http=warn", "", "empty directive"},
                      InvalidCase{"=debug", "=debug", "missing target"},
                      InvalidCase{"http=", "http=", "missing level"},
                      InvalidCase{"a=b=c", "a=b=c", "more than one '='"},
                      InvalidCase{"ht tp=info", "ht tp=info", "a target is"},
                      InvalidCase{".http=info", ".http=info", "a target is"},
                      InvalidCase{"http.=info", "http.=info", "a target is"},
                      InvalidCase{"http..x=info", "http..x=info", "a target is"},
                      InvalidCase{"info,debug", "debug", "default level is given twice"},
                      InvalidCase{"http=info,http=warn", "http=warn", "target is given twice"}));

TEST(LevelFilter, ErrorQuotesControlCharactersEscaped) {
  const auto result = LevelFilter::parse("http=\x1b[2J");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().find('\x1b'), std::string::npos) << result.error();
  EXPECT_NE(result.error().find("\\x1b[2J"), std::string::npos) << result.error();
}

}  // namespace
}  // namespace telemetry::logs
