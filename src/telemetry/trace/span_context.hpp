#pragma once
// The identity of a span as it crosses process boundaries (W3C Trace Context):
// a small value type with no dependency on how spans are recorded or exported.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace telemetry {

namespace detail {
// Lowercase hex, as W3C Trace Context and the OTLP JSON mapping require.
void write_hex(const std::uint8_t* bytes, std::size_t count, char* out) noexcept;
// Parses exactly 2*count lowercase hex characters; uppercase is rejected (W3C).
bool parse_hex(std::string_view text, std::uint8_t* bytes, std::size_t count) noexcept;
}  // namespace detail

template <std::size_t N>
struct Id {
  std::array<std::uint8_t, N> bytes{};

  static constexpr std::size_t kHexLength = 2 * N;

  // Inline, a word at a time: ids are checked several times per span.
  bool valid() const noexcept {
    static_assert(N % 8 == 0);
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < N; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes.data() + i, sizeof word);
      bits |= word;
    }
    return bits != 0;
  }
  std::string to_hex() const {
    std::string out(kHexLength, '0');
    detail::write_hex(bytes.data(), N, out.data());
    return out;
  }
  void write_hex(char* out) const noexcept { detail::write_hex(bytes.data(), N, out); }
  static std::optional<Id> from_hex(std::string_view text) noexcept {
    Id id;
    if (!detail::parse_hex(text, id.bytes.data(), N)) return std::nullopt;
    return id;
  }
  friend bool operator==(const Id&, const Id&) = default;
};

using TraceId = Id<16>;
using SpanId = Id<8>;

inline constexpr std::uint8_t kFlagSampled = 0x01;
// W3C Trace Context Level 2: set on trace ids that we generate at random.
inline constexpr std::uint8_t kFlagRandomTraceId = 0x02;

struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  std::uint8_t flags = 0;
  // Already validated and in outgoing form (W3C tracestate list); empty when none.
  std::string trace_state;
  // True when the context was extracted from an incoming request.
  bool remote = false;

  bool valid() const noexcept { return trace_id.valid() && span_id.valid(); }
  bool sampled() const noexcept { return (flags & kFlagSampled) != 0; }
};

}  // namespace telemetry
