#pragma once
// The W3C Trace Context `tracestate` header: validation of the combined list and
// its outgoing form. See trace_context.hpp for the whole propagation API.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace telemetry::propagation {

// Why a `tracestate` list was discarded. An invalid tracestate never rejects the
// request; it is dropped whole (the specification allows no partial use).
enum class TracestateError : std::uint8_t {
  none,
  too_many_members,  // more than 32 key=value members
  missing_equals,    // a non-empty member without '='
  bad_key,           // key does not match ( lcalpha / DIGIT ) 0*255( keychar )
  key_too_long,      // key longer than 256 characters
  bad_value,         // value empty, or with a character outside 0x20..0x7E, ',' or '='
  value_too_long,    // value longer than 256 characters
};

std::string_view to_string(TracestateError error) noexcept;

inline constexpr std::size_t kTracestateMaxMembers = 32;
inline constexpr std::size_t kTracestateMaxKeyLength = 256;
inline constexpr std::size_t kTracestateMaxValueLength = 256;
// How much of a tracestate we pass on (the specification asks for at least 512).
inline constexpr std::size_t kTracestateMaxPropagatedLength = 512;
// Members longer than this are the first to go when the list must be cut.
inline constexpr std::size_t kTracestateLongMember = 128;

// Combines several `tracestate` header values in order (as if joined by commas),
// validates the list and returns its outgoing form: members joined by "," without
// optional whitespace and without empty members. A key that appears again (in the
// same header or a later one) keeps only its first, leftmost member; the repeats
// still count toward the 32-member limit. When that form is longer than
// kTracestateMaxPropagatedLength it is cut by whole members: members longer than
// 128 characters are removed first (rightmost first), then members from the end,
// only as many as needed.
//
// Returns nullopt when the list is invalid (and sets *error when given); the whole
// tracestate is then discarded. An empty or whitespace-only tracestate is valid
// and gives an empty string, meaning there is nothing to pass on.
std::optional<std::string> parse_tracestate(std::span<const std::string_view> header_values,
                                            TracestateError* error = nullptr);

// Single-value convenience form.
std::optional<std::string> parse_tracestate(std::string_view header_value,
                                            TracestateError* error = nullptr);

}  // namespace telemetry::propagation
