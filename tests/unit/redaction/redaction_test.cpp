// The one redaction rule, as a table: keys, texts and query strings, each with what
// must come out. A row that leaks a secret, or hides an ordinary value, fails alone.

#include "telemetry/redaction.hpp"

#include <gtest/gtest.h>

#include <string>

namespace telemetry::redaction {
namespace {

struct KeyCase {
  const char* key;
  bool secret;
};

const KeyCase kKeys[] = {
    // The exact list and its spellings.
    {"token", true},
    {"access_token", true},
    {"refresh_token", true},
    {"X-Auth-Token", true},
    {"jwt", true},
    {"id_jwt", true},
    {"auth", true},
    {"Authorization", true},
    {"proxy-authorization", true},
    {"session", true},
    {"session_id", true},
    {"sessionId", true},
    {"JSESSIONID", true},
    {"PHPSESSID", true},
    {"cookie", true},
    {"Set-Cookie", true},
    {"key", true},
    {"api_key", true},
    {"x-api-key", true},
    {"apiKey", true},
    {"APIKEY", true},
    {"sig", true},
    {"X-Amz-Signature", true},
    {"signature", true},
    {"code", true},
    {"client_field.code", true},
    {"pass", true},
    {"password", true},
    {"db_password", true},
    {"passwd", true},
    {"pwd", true},
    {"secret", true},
    {"client_secret", true},
    {"credential", true},
    {"aws_credentials", true},
    {"client_field.pass", true},
    {"auth_header", true},
    {"otp", true},
    {"sid", true},
    // Ordinary keys, some sharing letters with a secret word.
    {"user_id", false},
    {"status", false},
    {"path", false},
    {"limit", false},
    {"offset", false},
    {"a", false},
    {"api", false},
    {"keyboard", false},
    {"monkey", false},
    {"passenger", false},
    {"signal", false},
    {"author", false},
    {"status_code", false},
    {"db.response.status_code", false},
    {"barcode", false},
    {"request_id", false},
    {"cook", false},
    {"", false},
};

TEST(IsSecretKey, Table) {
  for (const auto& row : kKeys) {
    EXPECT_EQ(is_secret_key(row.key), row.secret) << "key: '" << row.key << "'";
  }
}

struct TextCase {
  const char* text;
  const char* expected;  // nullptr: nothing to hide, the text is kept as it is
};

const TextCase kTexts[] = {
    {"Authorization: Bearer abc.def.ghi", "Authorization: Bearer [REDACTED]"},
    {"Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [REDACTED]"},
    {"Authorization: Bearer X", "Authorization: Bearer [REDACTED]"},
    {"Bearer X", "Bearer [REDACTED]"},
    {"  bearer abc", "  bearer [REDACTED]"},
    {"Basic dXNlcjpwYXNzd29yZA==", "Basic [REDACTED]"},
    {"sent header Bearer eyJhbGciOiJIUzI1NiJ9 to /api", "sent header Bearer [REDACTED] to /api"},
    {"token=X", "token=[REDACTED]"},
    {"token=abc&limit=5", "token=[REDACTED]&limit=5"},
    {"GET /api/boards?a=1;access_token=s3cr3t failed",
     "GET /api/boards?a=1;access_token=[REDACTED] failed"},
    {R"({"password":"hunter2","user":"ann"})", R"({"password":"[REDACTED]","user":"ann"})"},
    {"x-api-key: ak_live_123, retrying", "x-api-key: [REDACTED], retrying"},
    {"code=4/0Ab12", "code=[REDACTED]"},
    {"session_id='abc' user=ann", "session_id='[REDACTED]' user=ann"},
    {"pass=a pwd=b", "pass=[REDACTED] pwd=[REDACTED]"},
    // Nothing secret.
    {"", nullptr},
    {"board 12 saved", nullptr},
    {"limit=5&offset=10", nullptr},
    {"HTTP error code: 500", nullptr},
    {"Bearers of news", nullptr},
    {"a basic idea", nullptr},
    {"token", nullptr},
    {"token=", nullptr},
    {"at 12:30 the key was pressed", nullptr},
    {"https://example.com/path", nullptr},
};

TEST(RedactText, Table) {
  for (const auto& row : kTexts) {
    const auto out = redact_text(row.text);
    if (row.expected == nullptr) {
      EXPECT_FALSE(out.has_value()) << "text: '" << row.text << "' became '" << *out << "'";
    } else {
      ASSERT_TRUE(out.has_value()) << "text: '" << row.text << "' was kept";
      EXPECT_EQ(*out, row.expected) << "text: '" << row.text << "'";
    }
  }
}

struct QueryCase {
  const char* query;
  const char* expected;
};

const QueryCase kQueries[] = {
    {"limit=20&offset=40", "limit=20&offset=40"},
    {"token=abc123&limit=5", "token=REDACTED&limit=5"},
    {"limit=5&password=hunter2", "limit=5&password=REDACTED"},
    {"access_token=x", "access_token=REDACTED"},
    {"a=1;access_token=x", "a=1;access_token=REDACTED"},
    {"jwt=x&auth=y", "jwt=REDACTED&auth=REDACTED"},
    {"session=x;key=y", "session=REDACTED;key=REDACTED"},
    {"sig=x&code=y&state=z", "sig=REDACTED&code=REDACTED&state=z"},
    {"X-Amz-Signature=abc&X-Amz-Date=1", "X-Amz-Signature=REDACTED&X-Amz-Date=1"},
    {"access%5Ftoken=x", "access%5Ftoken=REDACTED"},
    {"verbose&&a=1", "verbose&&a=1"},
    {"token", "token"},  // a flag carries no value to hide
    {"", ""},
    {"bad%zz=1", "bad%zz=1"},
};

TEST(RedactQuery, Table) {
  for (const auto& row : kQueries) {
    EXPECT_EQ(redact_query(row.query), row.expected) << "query: '" << row.query << "'";
  }
}

}  // namespace
}  // namespace telemetry::redaction
