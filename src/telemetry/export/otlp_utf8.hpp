#pragma once
// OTLP strings must be valid UTF-8 (protobuf `string`, JSON text); attribute values
// come from requests and may not be. Invalid bytes become U+FFFD instead of making a
// collector reject the whole batch.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace telemetry::otlp {

// Whether every byte is ASCII, with no branch per byte: the 0x80 bits of the string's
// words are OR-ed together, the last word overlapping the one before it. Inline: most
// strings checked are short attribute keys and values, where a call would dominate.
inline bool is_ascii(std::string_view text) noexcept {
  const char* data = text.data();
  const std::size_t size = text.size();
  std::uint64_t bits = 0;
  if (size >= 8) {
    std::uint64_t word;
    for (std::size_t i = 0; i + 8 <= size; i += 8) {
      std::memcpy(&word, data + i, sizeof word);
      bits |= word;
    }
    std::memcpy(&word, data + size - 8, sizeof word);
    bits |= word;
  } else if (size >= 4) {
    std::uint32_t head, tail;
    std::memcpy(&head, data, sizeof head);
    std::memcpy(&tail, data + size - 4, sizeof tail);
    bits = head | tail;
  } else {
    for (std::size_t i = 0; i < size; ++i) bits |= static_cast<std::uint8_t>(data[i]);
  }
  return (bits & 0x8080808080808080ULL) == 0;
}

// The full check, for text that is not all ASCII.
bool is_valid_utf8_beyond_ascii(std::string_view text) noexcept;

inline bool is_valid_utf8(std::string_view text) noexcept {
  return is_ascii(text) || is_valid_utf8_beyond_ascii(text);
}

std::string to_valid_utf8(std::string_view text);

}  // namespace telemetry::otlp
