#include "telemetry/propagation/traceparent.hpp"
#include "telemetry/text.hpp"

#include <array>
#include <bit>
#include <cstring>

namespace telemetry::propagation {

namespace {

// One table lookup per character classifies it: the low nibble is the value of a
// lowercase hex digit; kUpper marks 'A'..'F' (a hex digit the specification
// forbids); kInvalid marks everything else.
constexpr std::uint8_t kUpper = 0x40;
constexpr std::uint8_t kInvalid = 0x80;

constexpr std::array<std::uint8_t, 256> make_hex_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) table[c] = static_cast<std::uint8_t>(kUpper | (c - 'A' + 10));
  return table;
}
constexpr std::array<std::uint8_t, 256> kHexTable = make_hex_table();

constexpr char kHexDigits[] = "0123456789abcdef";

// Decodes 2*count characters into `bytes`. Returns the OR of the classes seen, so
// the caller can tell "all lowercase hex" (0) from uppercase or invalid characters.
std::uint8_t decode_hex(const char* text, std::uint8_t* bytes, std::size_t count) noexcept {
  std::uint8_t seen = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t high = kHexTable[static_cast<unsigned char>(text[2 * i])];
    const std::uint8_t low = kHexTable[static_cast<unsigned char>(text[2 * i + 1])];
    seen |= static_cast<std::uint8_t>((high | low) & (kUpper | kInvalid));
    bytes[i] = static_cast<std::uint8_t>(((high & 0x0f) << 4) | (low & 0x0f));
  }
  return seen;
}

// The fast path reads eight characters at a time (SWAR): validating and decoding
// 48 id characters a byte at a time was most of the parse time. It needs a little
// endian load; elsewhere the table loop does the work alone.
constexpr bool kSwar = std::endian::native == std::endian::little;
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

std::uint64_t load8(const char* text) noexcept {
  std::uint64_t word;
  std::memcpy(&word, text, sizeof word);
  return word;
}

// True when all eight characters are lowercase hex digits. Adding (0x80 - bound)
// to an ASCII byte sets its high bit exactly when the byte is >= bound, without
// carrying into the next byte; a non-ASCII byte fails through the ~word term.
bool all_lowercase_hex(std::uint64_t word) noexcept {
  const std::uint64_t at_least_0 = word + kOnes * (0x80 - '0');
  const std::uint64_t above_9 = word + kOnes * (0x80 - '9' - 1);
  const std::uint64_t at_least_a = word + kOnes * (0x80 - 'a');
  const std::uint64_t above_f = word + kOnes * (0x80 - 'f' - 1);
  const std::uint64_t hex = (at_least_0 & ~above_9) | (at_least_a & ~above_f);
  return (hex & ~word & kHighBits) == kHighBits;
}

// Decodes eight lowercase hex characters into four bytes, first character first.
void decode8(std::uint64_t word, std::uint8_t* out) noexcept {
  // Digit value: low nibble, plus 9 for 'a'..'f' (bit 6 set).
  const std::uint64_t nibbles = (word & (kOnes * 0x0f)) + ((word >> 6) & kOnes) * 9;
  // Pair up characters (the first of each pair is the low byte of a 16-bit lane).
  const std::uint64_t lane_mask = 0x00ff00ff00ff00ffULL;
  const std::uint64_t pairs = ((nibbles & lane_mask) << 4) | ((nibbles >> 8) & lane_mask);
  std::uint64_t packed = (pairs | (pairs >> 8)) & 0x0000ffff0000ffffULL;
  packed = (packed | (packed >> 16)) & 0x00000000ffffffffULL;
  const auto bytes = static_cast<std::uint32_t>(packed);
  std::memcpy(out, &bytes, sizeof bytes);
}

// Fast path for `count` bytes (a multiple of 4): false when any character is not
// lowercase hex, in which case the table loop classifies the error.
bool decode_hex_swar(const char* text, std::uint8_t* bytes, std::size_t count) noexcept {
  bool valid = true;
  for (std::size_t i = 0; i < count / 4; ++i) valid &= all_lowercase_hex(load8(text + 8 * i));
  if (!valid) return false;
  for (std::size_t i = 0; i < count / 4; ++i) decode8(load8(text + 8 * i), bytes + 4 * i);
  return true;
}

// Encodes four bytes as eight lowercase hex characters, first byte first.
void encode8(const std::uint8_t* bytes, char* out) noexcept {
  std::uint32_t four;
  std::memcpy(&four, bytes, sizeof four);
  std::uint64_t x = four;
  x = (x | (x << 16)) & 0x0000ffff0000ffffULL;  // one byte per 16-bit lane
  x = (x | (x << 8)) & 0x00ff00ff00ff00ffULL;
  const std::uint64_t nibble_mask = 0x000f000f000f000fULL;
  const std::uint64_t nibbles = ((x >> 4) & nibble_mask) | ((x & nibble_mask) << 8);
  // '0' + n, plus ('a' - '0' - 10) when n > 9 (n + 0x76 reaches the high bit).
  const std::uint64_t letters = ((nibbles + kOnes * 0x76) >> 7) & kOnes;
  const std::uint64_t chars = nibbles + kOnes * '0' + letters * ('a' - '0' - 10);
  std::memcpy(out, &chars, sizeof chars);
}

void encode_hex(const std::uint8_t* bytes, std::size_t count, char* out) noexcept {
  if constexpr (kSwar) {
    for (std::size_t i = 0; i < count / 4; ++i) encode8(bytes + 4 * i, out + 8 * i);
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      out[2 * i] = kHexDigits[bytes[i] >> 4];
      out[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
    }
  }
}

// Field offsets of the version 00 layout, which higher versions share.
constexpr std::size_t kTraceIdAt = 3;
constexpr std::size_t kParentIdAt = 36;
constexpr std::size_t kFlagsAt = 53;

}  // namespace

std::string_view to_string(TraceparentError error) noexcept {
  switch (error) {
    case TraceparentError::none:
      return "none";
    case TraceparentError::absent:
      return "absent";
    case TraceparentError::multiple_headers:
      return "multiple_headers";
    case TraceparentError::empty:
      return "empty";
    case TraceparentError::wrong_length:
      return "wrong_length";
    case TraceparentError::bad_version:
      return "bad_version";
    case TraceparentError::version_ff:
      return "version_ff";
    case TraceparentError::bad_delimiter:
      return "bad_delimiter";
    case TraceparentError::uppercase_hex:
      return "uppercase_hex";
    case TraceparentError::non_hex:
      return "non_hex";
    case TraceparentError::bad_flags:
      return "bad_flags";
    case TraceparentError::zero_trace_id:
      return "zero_trace_id";
    case TraceparentError::zero_parent_id:
      return "zero_parent_id";
    case TraceparentError::bad_future_suffix:
      return "bad_future_suffix";
  }
  return "unknown";
}

TraceparentError parse_traceparent(std::string_view header, Traceparent& out) noexcept {
  const std::string_view text = text::trim_ows(header);
  if (text.empty()) return TraceparentError::empty;
  if (text.size() < 2) return TraceparentError::wrong_length;

  const std::uint8_t version_seen = decode_hex(text.data(), &out.version, 1);
  if (version_seen & kInvalid) return TraceparentError::bad_version;
  if (version_seen & kUpper) return TraceparentError::uppercase_hex;
  if (out.version == 0xff) return TraceparentError::version_ff;

  // Version 00 has exactly four fields; a higher version may append fields, each
  // introduced by '-', which we neither parse nor assume anything about.
  if (out.version == 0x00 ? text.size() != kTraceparentLength : text.size() < kTraceparentLength) {
    return TraceparentError::wrong_length;
  }
  if (text[kTraceIdAt - 1] != '-' || text[kParentIdAt - 1] != '-' || text[kFlagsAt - 1] != '-') {
    return TraceparentError::bad_delimiter;
  }

  std::uint8_t* const trace_bytes = out.trace_id.bytes.data();
  std::uint8_t* const parent_bytes = out.parent_id.bytes.data();
  const bool fast =
      kSwar && decode_hex_swar(text.data() + kTraceIdAt, trace_bytes, TraceId::kHexLength / 2) &&
      decode_hex_swar(text.data() + kParentIdAt, parent_bytes, SpanId::kHexLength / 2);
  if (!fast) {
    const std::uint8_t seen =
        decode_hex(text.data() + kTraceIdAt, trace_bytes, TraceId::kHexLength / 2) |
        decode_hex(text.data() + kParentIdAt, parent_bytes, SpanId::kHexLength / 2);
    if (seen & kInvalid) return TraceparentError::non_hex;
    if (seen & kUpper) return TraceparentError::uppercase_hex;
  }

  const std::uint8_t flags_seen = decode_hex(text.data() + kFlagsAt, &out.flags, 1);
  if (flags_seen & kInvalid) return TraceparentError::bad_flags;
  if (flags_seen & kUpper) return TraceparentError::uppercase_hex;

  if (text.size() > kTraceparentLength && text[kTraceparentLength] != '-') {
    return TraceparentError::bad_future_suffix;
  }
  if (!out.trace_id.valid()) return TraceparentError::zero_trace_id;
  if (!out.parent_id.valid()) return TraceparentError::zero_parent_id;
  return TraceparentError::none;
}

void format_traceparent(const TraceId& trace_id, const SpanId& span_id, std::uint8_t flags,
                        char* out55) noexcept {
  out55[0] = '0';
  out55[1] = '0';
  out55[kTraceIdAt - 1] = '-';
  encode_hex(trace_id.bytes.data(), trace_id.bytes.size(), out55 + kTraceIdAt);
  out55[kParentIdAt - 1] = '-';
  encode_hex(span_id.bytes.data(), span_id.bytes.size(), out55 + kParentIdAt);
  out55[kFlagsAt - 1] = '-';
  const std::uint8_t known = flags & kKnownTraceFlags;
  out55[kFlagsAt] = kHexDigits[known >> 4];
  out55[kFlagsAt + 1] = kHexDigits[known & 0x0f];
}

std::string format_traceparent(const SpanContext& context) {
  std::string out(kTraceparentLength, '\0');
  format_traceparent(context.trace_id, context.span_id, context.flags, out.data());
  return out;
}

}  // namespace telemetry::propagation
