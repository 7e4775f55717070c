#include "telemetry/http/query_redaction.hpp"

#include <gtest/gtest.h>

namespace {

using telemetry::http::redact_query;

TEST(QueryRedaction, KeepsOrdinaryParameters) {
  EXPECT_EQ(redact_query("limit=20&offset=40"), "limit=20&offset=40");
}

TEST(QueryRedaction, HidesSecretValues) {
  EXPECT_EQ(redact_query("token=abc123&limit=5"), "token=REDACTED&limit=5");
  EXPECT_EQ(redact_query("limit=5&password=hunter2"), "limit=5&password=REDACTED");
  EXPECT_EQ(redact_query("access_token=x"), "access_token=REDACTED");
}

TEST(QueryRedaction, LeavesFlagsAndEmptyPairsAlone) {
  EXPECT_EQ(redact_query("verbose&&a=1"), "verbose&&a=1");
}

}  // namespace
