#include "telemetry/text.hpp"

#include <cctype>

namespace telemetry::text {

namespace {

bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}
bool is_space(char c) noexcept {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

template <class Predicate>
std::string_view trim_if(std::string_view text, Predicate blank) noexcept {
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept {
  if (text.size() <= max_bytes) return text;
  std::size_t keep = max_bytes;
  // Back up over continuation bytes (10xxxxxx) so a multi-byte character is not split;
  // at most three, since no well-formed character has more.
  for (int i = 0; i < 3 && keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80;
       ++i) {
    --keep;
  }
  if ((static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80) keep = max_bytes;  // not UTF-8
  return text.substr(0, keep);
}

std::string_view trim_ows(std::string_view text) noexcept {
  return trim_if(text, is_ows);
}

std::string_view trim_space(std::string_view text) noexcept {
  return trim_if(text, is_space);
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>((high << 4) | low));
    i += 2;
  }
  return out;
}

}  // namespace telemetry::text
