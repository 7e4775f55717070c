#pragma once
// Request ids (`x-request-id`): a caller's id is kept when it is safe to echo and
// log; otherwise each request gets a fresh UUIDv4.
//
//   std::string id = resolve_request_id(values_of("x-request-id"));
//
// A kept id is 1 to 128 characters from [A-Za-z0-9._:-]: enough for UUIDs, ULIDs,
// and most gateways' formats, and nothing that could break a log line or header.

#include <span>
#include <string>
#include <string_view>

namespace telemetry::propagation {

inline constexpr std::string_view kRequestIdHeader = "x-request-id";
inline constexpr std::size_t kRequestIdMaxLength = 128;
// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
inline constexpr std::size_t kUuidLength = 36;

bool is_valid_request_id(std::string_view value) noexcept;

// A random (version 4, RFC 9562) UUID in lowercase canonical form. The generator
// is per thread (no lock on the request path) and seeded from the OS's entropy.
std::string new_request_id();
// The same, written into exactly 36 characters (no terminator). noexcept.
void write_new_request_id(char* out36) noexcept;

// The id for a request given every `x-request-id` value it carried: the single
// valid value is kept; none, several or an invalid one give a new id.
std::string resolve_request_id(std::span<const std::string_view> header_values);

}  // namespace telemetry::propagation
