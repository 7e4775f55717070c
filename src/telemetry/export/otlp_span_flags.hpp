#pragma once
// Span.flags and Link.flags in OTLP (SpanFlags in trace.proto): the W3C trace flags in
// the low byte, plus whether the parent (or linked) context came from another process.

#include <cstdint>

namespace telemetry::otlp {

inline constexpr std::uint32_t kContextHasIsRemote = 0x100;
inline constexpr std::uint32_t kContextIsRemote = 0x200;

inline constexpr std::uint32_t span_flags(std::uint8_t trace_flags, bool remote) noexcept {
  return trace_flags | kContextHasIsRemote | (remote ? kContextIsRemote : 0);
}

}  // namespace telemetry::otlp
