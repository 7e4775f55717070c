// The hint in an outage warning: recognised from the errors our transports and gRPC
// report for the usual misconfigurations.

#include <gtest/gtest.h>

#include <string>

#include "telemetry/export/otlp_failure_hint.hpp"

namespace telemetry::otlp {
namespace {

std::string hint(std::string_view error, bool tls = false) {
  return std::string(failure_hint(error, tls));
}

TEST(FailureHint, ConnectionRefusedNamesThePort) {
  EXPECT_NE(hint("UNAVAILABLE: failed to connect to all addresses; last error: UNKNOWN: "
                 "ipv4:127.0.0.1:9: Failed to connect to remote host: Connection refused")
                .find("nothing listens"),
            std::string::npos);
  EXPECT_NE(hint("Connection refused (connecting to 127.0.0.1:4318)").find("4318"),
            std::string::npos);
}

TEST(FailureHint, TlsAgainstPlaintextAndTheReverse) {
  const auto to_plain = hint("wrong version number (SSL routines) (TLS handshake with h:4318)",
                             /*tls=*/true);
  EXPECT_NE(to_plain.find("TLS mismatch"), std::string::npos);
  EXPECT_NE(to_plain.find("use http://"), std::string::npos);
  const auto to_tls =
      hint("HTTP 400 Bad Request: Client sent an HTTP request to an HTTPS server.", /*tls=*/false);
  EXPECT_NE(to_tls.find("https://"), std::string::npos);
  EXPECT_NE(hint("tls: first record does not look like a TLS handshake").find("TLS mismatch"),
            std::string::npos);
}

TEST(FailureHint, DnsCertificatesPathsCredentialsAndTimeouts) {
  EXPECT_NE(hint("UNAVAILABLE: DNS resolution failed for nowhere.invalid:4317").find("resolve"),
            std::string::npos);
  EXPECT_NE(hint("Host not found (authoritative) (resolving nowhere.invalid)").find("resolve"),
            std::string::npos);
  EXPECT_NE(
      hint("certificate verify failed (SSL routines)", true).find("OTEL_EXPORTER_OTLP_CERTIFICATE"),
      std::string::npos);
  EXPECT_NE(hint("HTTP 404 Not Found").find("/v1/traces"), std::string::npos);
  EXPECT_NE(hint("UNAUTHENTICATED: missing token").find("OTEL_EXPORTER_OTLP_HEADERS"),
            std::string::npos);
  EXPECT_NE(hint("timed out (waiting for the answer from h:4318)").find("TIMEOUT"),
            std::string::npos);
}

TEST(FailureHint, NothingForWhatItDoesNotKnow) {
  EXPECT_EQ(hint("UNAVAILABLE: receiver told to fail"), "");
  EXPECT_EQ(hint("HTTP 503 Service Unavailable"), "");
  EXPECT_EQ(hint(""), "");
}

}  // namespace
}  // namespace telemetry::otlp
