#include "http/response_wire.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/write.hpp>
#include <sstream>

#include "http/response.hpp"

namespace {

namespace beast_http = boost::beast::http;

// What Beast's own serializer writes for the message: the session used to write every
// response that way, and clients must see the same bytes.
std::string beast_bytes(http::Response response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

std::string wire_bytes(const http::Response& response) {
  std::string out = "kept";  // appends, never replaces
  http::append_header_block(response, out);
  return out.substr(4) + response.body();
}

TEST(ResponseWire, JsonResponseWithTraceHeadersIsWhatBeastWrites) {
  http::Response response = http::json_response(beast_http::status::ok, {{"id", 42}});
  response.set("x-request-id", "0f8b2c1e-5a4d-4c3b-9e2f-1a2b3c4d5e6f");
  response.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  response.keep_alive(true);
  response.prepare_payload();
  EXPECT_EQ(wire_bytes(response), beast_bytes(response));
  EXPECT_TRUE(
      wire_bytes(response).starts_with("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"));
}

TEST(ResponseWire, ErrorStatusWithExtraHeaderAndClose) {
  http::Response response = http::json_response(beast_http::status::method_not_allowed, {});
  response.set("Allow", "GET, HEAD");
  response.keep_alive(false);
  EXPECT_EQ(wire_bytes(response), beast_bytes(response));
  EXPECT_NE(wire_bytes(response).find("\r\nConnection: close\r\n"), std::string::npos);
}

TEST(ResponseWire, EmptyBodyCustomReasonAndHttp10) {
  http::Response no_content = http::empty_response(beast_http::status::no_content);
  EXPECT_EQ(wire_bytes(no_content), beast_bytes(no_content));

  http::Response custom{beast_http::status::ok, 10};
  custom.reason("Fine");
  custom.body() = "plain";
  custom.prepare_payload();
  EXPECT_EQ(wire_bytes(custom), beast_bytes(custom));
  EXPECT_TRUE(wire_bytes(custom).starts_with("HTTP/1.0 200 Fine\r\n"));
}

TEST(ResponseWire, ChunkedBodiesAreLeftToBeast) {
  http::Response response{beast_http::status::ok, 11};
  EXPECT_TRUE(http::writable_as_wire(response));
  response.chunked(true);
  EXPECT_FALSE(http::writable_as_wire(response));
}

}  // namespace
