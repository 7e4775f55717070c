#pragma once
// Checks of a request's head (request line and header fields), made after the head is
// read and before any of the body is: how the body is framed, the Host field, the
// Expect field and the request target (RFC 9112 and RFC 9110). A request that fails
// one of them is answered 400 (417 for an unknown expectation) and the connection is
// closed, because its framing or intent cannot be trusted.

#include <optional>
#include <string_view>
#include <variant>

#include "http/error.hpp"
#include "http/request.hpp"

namespace http {

// Transfer-Encoding, Content-Length and Host. RFC 9112 6.1 and 6.3: the only
// Transfer-Encoding this server can frame is exactly `chunked` (one coding, applied
// once); Content-Length beside Transfer-Encoding, and Transfer-Encoding in HTTP/1.0,
// are framing errors. RFC 9112 3.2: an HTTP/1.1 request has exactly one Host field,
// whose value is a valid authority without user information.
std::optional<ApiError> check_framing(const RawRequest& head);

// RFC 9110 10.1.1. `none`: no Expect field, or an HTTP/1.0 request (which must ignore
// it); `continue_`: `100-continue`; `unknown`: any other expectation (417).
enum class Expectation { none, continue_, unknown };
Expectation expectation_of(const RawRequest& head);

// The request target split into its path and query, both still percent-encoded and
// referring into the target. Origin-form ("/path?query") and absolute-form
// ("http://host/path?query", RFC 9112 3.2.2, whose authority is then ignored) are
// accepted. Anything else, a byte that is not printable ASCII, malformed
// percent-encoding, or a path or query that is not UTF-8 once decoded, is an error.
struct Target {
  std::string_view path;
  std::string_view query;  // without '?'; empty when none
};
std::variant<Target, ApiError> parse_target(std::string_view target);

}  // namespace http
