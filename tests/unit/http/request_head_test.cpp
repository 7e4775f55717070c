// The checks a request head goes through before its body is read: one case per
// reason to refuse (RFC 9112 framing, Host, Expect, the request target) and the
// forms that are served.

#include "http/request_head.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace {

using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

http::RawRequest head_with(std::initializer_list<std::pair<field, std::string>> fields,
                           unsigned version = 11) {
  http::RawRequest head(verb::post, "/api/boards", version);
  for (const auto& [name, value] : fields) head.insert(name, value);
  return head;
}

std::string refusal(const http::RawRequest& head) {
  const auto error = http::check_framing(head);
  return error ? std::to_string(static_cast<unsigned>(error->status())) + " " + error->what() : "";
}

TEST(RequestHeadTest, ChunkedAloneIsTheOnlyTransferEncodingAccepted) {
  EXPECT_EQ(refusal(head_with({{field::host, "h"}, {field::transfer_encoding, "chunked"}})), "");
  EXPECT_EQ(refusal(head_with({{field::host, "h"}, {field::transfer_encoding, "Chunked"}})), "");
  for (const std::string coding : {"gzip", "identity", "xchunked", "chunked, identity",
                                   "chunked, chunked", "gzip, chunked", "chunked;x=1", ""}) {
    SCOPED_TRACE(coding);
    const auto text = refusal(head_with({{field::host, "h"}, {field::transfer_encoding, coding}}));
    EXPECT_EQ(text.substr(0, 4), "400 ");
  }
}

TEST(RequestHeadTest, TransferEncodingSplitOverTwoFieldLinesIsOneList) {
  EXPECT_NE(refusal(head_with({{field::host, "h"},
                               {field::transfer_encoding, "chunked"},
                               {field::transfer_encoding, "chunked"}})),
            "");
  EXPECT_NE(refusal(head_with({{field::host, "h"},
                               {field::transfer_encoding, "chunked"},
                               {field::transfer_encoding, "gzip"}})),
            "");
}

TEST(RequestHeadTest, ContentLengthBesideTransferEncodingIsRefused) {
  const auto text = refusal(head_with(
      {{field::host, "h"}, {field::transfer_encoding, "xchunked"}, {field::content_length, "5"}}));
  EXPECT_EQ(text.substr(0, 4), "400 ");
  EXPECT_NE(text.find("Content-Length"), std::string::npos) << text;
}

TEST(RequestHeadTest, TransferEncodingInHttp10IsRefused) {
  EXPECT_NE(refusal(head_with({{field::transfer_encoding, "chunked"}}, 10)), "");
}

TEST(RequestHeadTest, Http11NeedsExactlyOneValidHost) {
  EXPECT_EQ(refusal(head_with({{field::host, "example.com:8080"}})), "");
  EXPECT_EQ(refusal(head_with({{field::host, "[::1]:80"}})), "");
  EXPECT_EQ(refusal(head_with({{field::host, ""}})), "");  // allowed by RFC 9112 3.2
  EXPECT_NE(refusal(head_with({})), "");
  EXPECT_NE(refusal(head_with({{field::host, "a"}, {field::host, "b"}})), "");
  EXPECT_NE(refusal(head_with({{field::host, "user@example.com"}})), "");
  EXPECT_NE(refusal(head_with({{field::host, "exa mple"}})), "");
  // HTTP/1.0 predates Host; a duplicate is still refused.
  EXPECT_EQ(refusal(head_with({}, 10)), "");
  EXPECT_NE(refusal(head_with({{field::host, "a"}, {field::host, "a"}}, 10)), "");
}

TEST(RequestHeadTest, ExpectationsAreContinueOrUnknown) {
  using http::Expectation;
  EXPECT_EQ(http::expectation_of(head_with({})), Expectation::none);
  EXPECT_EQ(http::expectation_of(head_with({{field::expect, "100-Continue"}})),
            Expectation::continue_);
  EXPECT_EQ(http::expectation_of(head_with({{field::expect, "something-else"}})),
            Expectation::unknown);
  EXPECT_EQ(http::expectation_of(head_with({{field::expect, "100-continue, x"}})),
            Expectation::unknown);
  // RFC 9110 10.1.1: an HTTP/1.0 request's 100-continue is ignored.
  EXPECT_EQ(http::expectation_of(head_with({{field::expect, "100-continue"}}, 10)),
            Expectation::none);
}

std::pair<std::string, std::string> parts(std::string_view target) {
  const auto parsed = http::parse_target(target);
  const auto* t = std::get_if<http::Target>(&parsed);
  if (t == nullptr) return {"error", std::get<http::ApiError>(parsed).what()};
  return {std::string(t->path), std::string(t->query)};
}

TEST(RequestHeadTest, OriginFormSplitsPathAndQuery) {
  EXPECT_EQ(parts("/api/boards?limit=5&offset=0"),
            (std::pair<std::string, std::string>{"/api/boards", "limit=5&offset=0"}));
  EXPECT_EQ(parts("/health"), (std::pair<std::string, std::string>{"/health", ""}));
  EXPECT_EQ(parts("/a%20b?q=%C3%A9"), (std::pair<std::string, std::string>{"/a%20b", "q=%C3%A9"}));
}

TEST(RequestHeadTest, AbsoluteFormIsServedAsItsPath) {
  EXPECT_EQ(parts("http://example.com:8080/api/boards?limit=5"),
            (std::pair<std::string, std::string>{"/api/boards", "limit=5"}));
  EXPECT_EQ(parts("HTTPS://example.com/health"),
            (std::pair<std::string, std::string>{"/health", ""}));
  EXPECT_EQ(parts("http://example.com"), (std::pair<std::string, std::string>{"/", ""}));
  EXPECT_EQ(parts("ftp://example.com/health").first, "error");
  EXPECT_EQ(parts("example.com:80").first, "error");  // authority-form is for CONNECT
}

TEST(RequestHeadTest, BytesOutsidePrintableAsciiAreRefused) {
  EXPECT_EQ(parts("/api/boards?limit=5&offset=\xff").first, "error");
  EXPECT_EQ(parts("/api/b\xc3\xa9").first, "error");  // even well-formed UTF-8, unencoded
  EXPECT_EQ(parts("/api/\x7f").first, "error");
  const auto [error, message] = parts("/api/boards\xff\xfe");
  EXPECT_EQ(message.find('\xff'), std::string::npos) << "the message must not echo the bytes";
}

TEST(RequestHeadTest, MalformedPercentEncodingAndNonUtf8AreRefused) {
  EXPECT_EQ(parts("/api/boards?offset=%zz").first, "error");
  EXPECT_EQ(parts("/api/boards?offset=%ff").first, "error");
  EXPECT_EQ(parts("/api/%c3%28").first, "error");
  EXPECT_EQ(parts("/api/boards#fragment").first, "error");
}

}  // namespace
