#include "telemetry/export/otlp_utf8.hpp"

#include <cstdint>
#include <cstring>

namespace telemetry::otlp {

namespace {

// Length of the well-formed UTF-8 sequence at the start of `text`, or 0.
std::size_t sequence_length(std::string_view text) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint8_t low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// Bytes [0, size) that are ASCII, found 8 at a time: almost every attribute (routes,
// SQL text, header values) is ASCII, and one test of the 0x80 bits per word is far
// cheaper than a branch per byte.
std::size_t ascii_prefix(std::string_view text) noexcept {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if ((word & kHighBits) != 0) break;
  }
  while (i < text.size() && static_cast<std::uint8_t>(text[i]) < 0x80) ++i;
  return i;
}

// Whether every byte is ASCII, with no branch per byte: the 0x80 bits of the string's
// words are OR-ed together, the last word overlapping the one before it. Most strings
// checked here are short keys and values, where a loop and its tail would dominate.
bool all_ascii(std::string_view text) noexcept {
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

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  if (all_ascii(text)) [[likely]]
    return true;
  text.remove_prefix(ascii_prefix(text));
  // From the first non-ASCII byte on, byte by byte (still skipping single ASCII bytes).
  while (!text.empty()) {
    if (static_cast<std::uint8_t>(text[0]) < 0x80) {
      text.remove_prefix(1);
      continue;
    }
    const std::size_t length = sequence_length(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t length = sequence_length(text);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, length));
      text.remove_prefix(length);
    }
  }
  return out;
}

}  // namespace telemetry::otlp
