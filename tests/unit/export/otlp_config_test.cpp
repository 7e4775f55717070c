// OTEL_EXPORTER_OTLP_* as the spec defines them: which URL a user's settings lead to,
// how headers are read, and that a bad value names its variable.

#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>

#include "telemetry/export/otlp_config.hpp"

namespace telemetry {
namespace {

struct EndpointCase {
  OtlpProtocol protocol;
  const char* generic;
  const char* per_signal;
  bool insecure;
  const char* expected;
};

// Names each case by its settings, so test names are readable and stable.
void PrintTo(const EndpointCase& c, std::ostream* out) {
  *out << to_string(c.protocol) << " generic=" << (c.generic ? c.generic : "unset")
       << " traces=" << (c.per_signal ? c.per_signal : "unset") << (c.insecure ? " insecure" : "");
}

class EndpointResolution : public ::testing::TestWithParam<EndpointCase> {};

TEST_P(EndpointResolution, FollowsTheSpec) {
  const auto& c = GetParam();
  std::string error;
  const auto url = otlp::resolve_endpoint(c.protocol, c.generic, c.per_signal, c.insecure, error);
  ASSERT_TRUE(url.has_value()) << error;
  EXPECT_EQ(*url, c.expected);
}

constexpr auto kGrpc = OtlpProtocol::grpc;
constexpr auto kHttp = OtlpProtocol::http_protobuf;
constexpr auto kJson = OtlpProtocol::http_json;

INSTANTIATE_TEST_SUITE_P(
    Table, EndpointResolution,
    ::testing::Values(
        // Defaults differ per protocol.
        EndpointCase{kGrpc, nullptr, nullptr, false, "http://localhost:4317"},
        EndpointCase{kHttp, nullptr, nullptr, false, "http://localhost:4318/v1/traces"},
        EndpointCase{kJson, nullptr, nullptr, false, "http://localhost:4318/v1/traces"},
        // Generic endpoint: HTTP appends /v1/traces, keeping a base path.
        EndpointCase{kHttp, "http://collector:4318", nullptr, false,
                     "http://collector:4318/v1/traces"},
        EndpointCase{kHttp, "http://collector:4318/", nullptr, false,
                     "http://collector:4318/v1/traces"},
        EndpointCase{kHttp, "https://gw.example/otlp", nullptr, false,
                     "https://gw.example/otlp/v1/traces"},
        EndpointCase{kHttp, "https://gw.example/otlp/", nullptr, false,
                     "https://gw.example/otlp/v1/traces"},
        EndpointCase{kJson, "http://collector:4318/a/b", nullptr, false,
                     "http://collector:4318/a/b/v1/traces"},
        // Per-signal endpoint is used verbatim and wins over the generic one.
        EndpointCase{kHttp, "http://ignored:1", "http://collector:4318/custom/path", false,
                     "http://collector:4318/custom/path"},
        EndpointCase{kHttp, nullptr, "http://collector:4318", false, "http://collector:4318"},
        EndpointCase{kHttp, nullptr, "http://collector:4318/", false, "http://collector:4318/"},
        // gRPC takes the address as given.
        EndpointCase{kGrpc, "http://collector:4317", nullptr, false, "http://collector:4317"},
        EndpointCase{kGrpc, "https://collector:4317", nullptr, false, "https://collector:4317"},
        EndpointCase{kGrpc, "http://ignored:1", "http://collector:4317", false,
                     "http://collector:4317"},
        // gRPC without a scheme: TLS unless insecure.
        EndpointCase{kGrpc, "collector:4317", nullptr, false, "https://collector:4317"},
        EndpointCase{kGrpc, "collector:4317", nullptr, true, "http://collector:4317"},
        EndpointCase{kGrpc, "http://[::1]:4317", nullptr, false, "http://[::1]:4317"}));

TEST(EndpointResolution, RejectsUnusableUrls) {
  std::string error;
  EXPECT_FALSE(otlp::resolve_endpoint(kHttp, "collector:4318", nullptr, false, error));
  EXPECT_NE(error.find("http://"), std::string::npos);
  EXPECT_FALSE(otlp::resolve_endpoint(kHttp, nullptr, "ftp://collector/v1/traces", false, error));
  EXPECT_FALSE(otlp::resolve_endpoint(kGrpc, "http://", nullptr, false, error));
  EXPECT_FALSE(
      otlp::resolve_endpoint(kHttp, nullptr, "http://user:pw@host/v1/traces", false, error));
}

TEST(SplitEndpoint, GivesHostPortAndTarget) {
  auto parts = otlp::split_endpoint("https://gw.example/otlp/v1/traces?tenant=a");
  ASSERT_TRUE(parts);
  EXPECT_TRUE(parts->tls);
  EXPECT_EQ(parts->host, "gw.example");
  EXPECT_EQ(parts->port, "443");
  EXPECT_EQ(parts->target, "/otlp/v1/traces?tenant=a");
  parts = otlp::split_endpoint("http://127.0.0.1:4317");
  ASSERT_TRUE(parts);
  EXPECT_FALSE(parts->tls);
  EXPECT_EQ(parts->host, "127.0.0.1");
  EXPECT_EQ(parts->port, "4317");
  parts = otlp::split_endpoint("http://[::1]:4318");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->host, "::1");
  EXPECT_EQ(parts->port, "4318");
  EXPECT_EQ(parts->target, "/");
}

TEST(Headers, ParsesTheBaggageLikeList) {
  std::string error;
  const auto headers = otlp::parse_headers(
      " Api-Key = abc%3D%3D , x-tenant=team%20a,,authorization=Bearer%20t ", error);
  ASSERT_TRUE(headers) << error;
  ASSERT_EQ(headers->size(), 3u);
  EXPECT_EQ((*headers)[0].name, "api-key");
  EXPECT_EQ((*headers)[0].value, "abc==");
  EXPECT_EQ((*headers)[1].name, "x-tenant");
  EXPECT_EQ((*headers)[1].value, "team a");
  EXPECT_EQ((*headers)[2].value, "Bearer t");
}

TEST(Headers, EmptyValueIsAllowed) {
  std::string error;
  const auto headers = otlp::parse_headers("x-empty=", error);
  ASSERT_TRUE(headers);
  EXPECT_EQ((*headers)[0].value, "");
}

TEST(Headers, RejectsMalformedEntriesWithoutQuotingValues) {
  std::string error;
  EXPECT_FALSE(otlp::parse_headers("a=1,novalue", error));
  EXPECT_NE(error.find("entry 2"), std::string::npos);
  EXPECT_FALSE(otlp::parse_headers("bad name=1", error));
  EXPECT_FALSE(otlp::parse_headers("=secret", error));
  EXPECT_FALSE(otlp::parse_headers("k=secret%2", error));
  EXPECT_EQ(error.find("secret"), std::string::npos);
  EXPECT_FALSE(otlp::parse_headers("k=a%0D%0AInjected: 1", error));
}

class FromEnv : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env;
  EnvLookup lookup() const {
    return [this](const char* name) -> const char* {
      const auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    };
  }
  std::vector<std::string> errors() const {
    try {
      OtlpConfig::from_env(lookup());
    } catch (const OtlpConfigError& e) {
      return e.errors();
    }
    return {};
  }
};

TEST_F(FromEnv, DefaultsAreGrpcOnLocalhost) {
  const auto config = OtlpConfig::from_env(lookup());
  EXPECT_EQ(config.protocol, OtlpProtocol::grpc);
  EXPECT_EQ(config.endpoint, "http://localhost:4317");
  EXPECT_EQ(config.timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(config.compression, OtlpCompression::none);
  EXPECT_FALSE(config.uses_tls());
}

TEST_F(FromEnv, PerSignalVariablesWin) {
  env = {{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
         {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"},
         {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://gw:4318/base"},
         {"OTEL_EXPORTER_OTLP_TIMEOUT", "5000"},
         {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "250"},
         {"OTEL_EXPORTER_OTLP_HEADERS", "a=1"},
         {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=2"},
         {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"}};
  const auto config = OtlpConfig::from_env(lookup());
  EXPECT_EQ(config.protocol, OtlpProtocol::http_json);
  EXPECT_EQ(config.endpoint, "http://gw:4318/base/v1/traces");
  EXPECT_EQ(config.timeout, std::chrono::milliseconds(250));
  ASSERT_EQ(config.headers.size(), 1u);
  EXPECT_EQ(config.headers[0].name, "b");
  EXPECT_EQ(config.compression, OtlpCompression::gzip);
}

TEST_F(FromEnv, EmptyVariablesCountAsUnset) {
  env = {{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ""}, {"OTEL_EXPORTER_OTLP_PROTOCOL", ""}};
  EXPECT_EQ(OtlpConfig::from_env(lookup()).endpoint, "http://localhost:4317");
}

TEST_F(FromEnv, EveryBadVariableIsNamed) {
  env = {{"OTEL_EXPORTER_OTLP_PROTOCOL", "thrift"},
         {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "10s"},
         {"OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"},
         {"OTEL_EXPORTER_OTLP_HEADERS", "novalue"},
         {"OTEL_EXPORTER_OTLP_INSECURE", "yes"},
         {"OTEL_EXPORTER_OTLP_CERTIFICATE", "/nonexistent/ca.pem"}};
  const auto messages = errors();
  ASSERT_EQ(messages.size(), 6u);
  const auto mentions = [&](const std::string& name) {
    return std::any_of(messages.begin(), messages.end(),
                       [&](const std::string& m) { return m.starts_with(name + ":"); });
  };
  EXPECT_TRUE(mentions("OTEL_EXPORTER_OTLP_PROTOCOL"));
  EXPECT_TRUE(mentions("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"));
  EXPECT_TRUE(mentions("OTEL_EXPORTER_OTLP_COMPRESSION"));
  EXPECT_TRUE(mentions("OTEL_EXPORTER_OTLP_HEADERS"));
  EXPECT_TRUE(mentions("OTEL_EXPORTER_OTLP_INSECURE"));
  EXPECT_TRUE(mentions("OTEL_EXPORTER_OTLP_CERTIFICATE"));
}

TEST_F(FromEnv, BadEndpointNamesTheVariableThatWasUsed) {
  env = {{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"},
         {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "localhost:4318"}};
  const auto messages = errors();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].starts_with("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:")) << messages[0];
}

TEST_F(FromEnv, InsecureMakesSchemelessGrpcPlaintext) {
  env = {{"OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"}};
  EXPECT_TRUE(OtlpConfig::from_env(lookup()).uses_tls());
  env["OTEL_EXPORTER_OTLP_INSECURE"] = "true";
  const auto config = OtlpConfig::from_env(lookup());
  EXPECT_FALSE(config.uses_tls());
  EXPECT_EQ(config.endpoint, "http://collector:4317");
}

}  // namespace
}  // namespace telemetry
