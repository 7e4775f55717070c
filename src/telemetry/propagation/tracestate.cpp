#include "telemetry/propagation/tracestate.hpp"
#include "telemetry/text.hpp"

#include <array>

namespace telemetry::propagation {

namespace {

bool is_lcalpha(char c) noexcept {
  return c >= 'a' && c <= 'z';
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// Level 2 key grammar: key = ( lcalpha / DIGIT ) 0*255( keychar ), where
// keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@".
bool is_keychar(char c) noexcept {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/' || c == '@';
}

// value = 0*255( chr ) nblk-chr; chr = %x20 / nblk-chr;
// nblk-chr = %x21-2B / %x2D-3C / %x3E-7E (printable ASCII but ',' and '=').
bool is_value_char(char c) noexcept {
  return c >= 0x20 && c <= 0x7e && c != ',' && c != '=';
}

struct Member {
  std::string_view text;  // "key=value" without surrounding whitespace
  std::string_view key;
};

TracestateError check_member(std::string_view member, std::string_view& key) noexcept {
  const std::size_t equals = member.find('=');
  if (equals == std::string_view::npos) return TracestateError::missing_equals;
  key = member.substr(0, equals);
  const std::string_view value = member.substr(equals + 1);

  if (key.empty() || !(is_lcalpha(key.front()) || is_digit(key.front()))) {
    return TracestateError::bad_key;
  }
  for (const char c : key) {
    if (!is_keychar(c)) return TracestateError::bad_key;
  }
  if (key.size() > kTracestateMaxKeyLength) return TracestateError::key_too_long;

  // Trailing whitespace was trimmed as optional whitespace, so a value that is
  // not empty here ends with a non-blank character; leading spaces belong to it.
  if (value.empty()) return TracestateError::bad_value;
  for (const char c : value) {
    if (!is_value_char(c)) return TracestateError::bad_value;
  }
  if (value.size() > kTracestateMaxValueLength) return TracestateError::value_too_long;
  return TracestateError::none;
}

std::optional<std::string> fail(TracestateError reason, TracestateError* error) {
  if (error != nullptr) *error = reason;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(TracestateError error) noexcept {
  switch (error) {
    case TracestateError::none:
      return "none";
    case TracestateError::too_many_members:
      return "too_many_members";
    case TracestateError::missing_equals:
      return "missing_equals";
    case TracestateError::bad_key:
      return "bad_key";
    case TracestateError::key_too_long:
      return "key_too_long";
    case TracestateError::bad_value:
      return "bad_value";
    case TracestateError::value_too_long:
      return "value_too_long";
  }
  return "unknown";
}

std::optional<std::string> parse_tracestate(std::span<const std::string_view> header_values,
                                            TracestateError* error) {
  std::array<Member, kTracestateMaxMembers> members;
  std::size_t count = 0;     // distinct members kept, in order
  std::size_t received = 0;  // every member received, duplicates included

  // Several header fields combine as if joined by ',' (RFC 9110 field order), so
  // splitting each value on its own gives the same members in the same order.
  for (std::string_view rest : header_values) {
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view raw = rest.substr(0, comma);
      const std::string_view member = text::trim_ows(raw);
      if (!member.empty()) {  // empty and whitespace-only members are allowed
        std::string_view key;
        const TracestateError reason = check_member(member, key);
        if (reason != TracestateError::none) return fail(reason, error);
        if (received++ == kTracestateMaxMembers) {
          return fail(TracestateError::too_many_members, error);
        }
        // A key seen before is dropped rather than failing the list: the leftmost
        // member is the most recently updated one, and passing it on keeps the
        // vendor's state (the W3C test suite expects the member to be carried).
        bool duplicate = false;
        for (std::size_t i = 0; i < count; ++i) duplicate |= members[i].key == key;
        if (!duplicate) members[count++] = Member{member, key};
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }

  // Cut by whole members to the propagated limit: long members go first (from the
  // right), then members from the end of the list.
  std::array<bool, kTracestateMaxMembers> kept{};
  std::size_t length = 0;
  for (std::size_t i = 0; i < count; ++i) {
    kept[i] = true;
    length += members[i].text.size() + (i == 0 ? 0 : 1);
  }
  std::size_t kept_count = count;
  const auto remove = [&](std::size_t i) {
    kept[i] = false;
    --kept_count;
    // Each kept member but one carries a separating comma.
    length -= members[i].text.size() + (kept_count == 0 ? 0 : 1);
  };
  for (std::size_t i = count; i-- > 0 && length > kTracestateMaxPropagatedLength;) {
    if (members[i].text.size() > kTracestateLongMember) remove(i);
  }
  for (std::size_t i = count; i-- > 0 && length > kTracestateMaxPropagatedLength;) {
    if (kept[i]) remove(i);
  }

  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < count; ++i) {
    if (!kept[i]) continue;
    if (!out.empty()) out.push_back(',');
    out.append(members[i].text);
  }
  if (error != nullptr) *error = TracestateError::none;
  return out;
}

std::optional<std::string> parse_tracestate(std::string_view header_value, TracestateError* error) {
  return parse_tracestate(std::span<const std::string_view>(&header_value, 1), error);
}

}  // namespace telemetry::propagation
