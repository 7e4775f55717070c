#include "telemetry/logs/json_escape.hpp"

#include <array>
#include <charconv>
#include <cstdint>

#include "telemetry/text.hpp"

namespace telemetry::logs {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the well-formed UTF-8 sequence starting at p (RFC 3629 table), or 0.
std::size_t utf8_sequence(const unsigned char* p, std::size_t n, char32_t& cp) noexcept {
  const unsigned char c = p[0];
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
    if (c == 0xe0) lo = 0xa0;  // overlong
    if (c == 0xed) hi = 0x9f;  // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
    if (c == 0xf0) lo = 0x90;  // overlong
    if (c == 0xf4) hi = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (n < len) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  cp = (cp << 6) | (p[1] & 0x3f);
  for (std::size_t i = 2; i < len; ++i) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  return len;
}

bool needs_escape_as_code_point(char32_t cp) noexcept {
  return cp <= 0x9f || cp == 0x2028 || cp == 0x2029;
}

void append_u4(std::string& out, char32_t cp) {
  const char buf[6] = {
      '\\',          'u', kHex[(cp >> 12) & 0xf], kHex[(cp >> 8) & 0xf], kHex[(cp >> 4) & 0xf],
      kHex[cp & 0xf]};
  out.append(buf, 6);
}

void append_x2(std::string& out, unsigned char byte) {
  const char buf[4] = {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
  out.append(buf, 4);
}

void append_braced(std::string& out, char32_t cp) {
  out += "\\u{";
  char buf[8];
  const auto end = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint32_t>(cp), 16).ptr;
  out.append(buf, end);
  out += '}';
}

// Printable ASCII that a format copies as is, as lookup tables: the scan below runs
// over every byte of every value, and one load beats four comparisons.
using AsciiTable = std::array<bool, 128>;
constexpr AsciiTable make_plain_table(bool escape_quote_and_backslash) {
  AsciiTable table{};
  for (int c = 0x20; c < 0x7f; ++c) table[c] = true;
  if (escape_quote_and_backslash) table['"'] = table['\\'] = false;
  return table;
}
constexpr AsciiTable kPlainInJson = make_plain_table(true);
constexpr AsciiTable kPlainInPrettyQuoted = make_plain_table(true);
constexpr AsciiTable kPlainInPrettyBare = make_plain_table(false);

// The one scanning loop both formats share: plain runs are copied in bulk and
// `escape_ascii(byte)`, `escape_code_point(cp)` or `escape_invalid(byte)` is called
// for the rest. `plain` says which ASCII bytes pass as is.
template <typename EscapeAscii, typename EscapeCodePoint, typename EscapeInvalid>
void escape_loop(std::string& out, std::string_view text, const AsciiTable& plain,
                 EscapeAscii escape_ascii, EscapeCodePoint escape_code_point,
                 EscapeInvalid escape_invalid) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t run = 0, i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (plain[c]) {
        ++i;
        continue;
      }
      out.append(text.data() + run, i - run);
      escape_ascii(c);
      run = ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = utf8_sequence(p + i, n - i, cp);
    if (len != 0 && !needs_escape_as_code_point(cp)) {
      i += len;
      continue;
    }
    out.append(text.data() + run, i - run);
    if (len == 0) {
      escape_invalid(c);
      ++i;
    } else {
      escape_code_point(cp);
      i += len;
    }
    run = i;
  }
  out.append(text.data() + run, n - run);
}

// The escapes both formats share: quote, backslash, newline, carriage return, tab.
bool append_short_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return true;
    case '\\':
      out += "\\\\";
      return true;
    case '\n':
      out += "\\n";
      return true;
    case '\r':
      out += "\\r";
      return true;
    case '\t':
      out += "\\t";
      return true;
    default:
      return false;
  }
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  escape_loop(
      out, text, kPlainInJson,
      [&out](unsigned char c) {
        if (c == '\b') {
          out += "\\b";
        } else if (c == '\f') {
          out += "\\f";
        } else if (!append_short_escape(out, c)) {
          append_u4(out, c);
        }
      },
      [&out](char32_t cp) { append_u4(out, cp); }, [&out](unsigned char) { out += "\\ufffd"; });
}

void append_pretty_escaped(std::string& out, std::string_view text, bool quoted) {
  escape_loop(
      out, text, quoted ? kPlainInPrettyQuoted : kPlainInPrettyBare,
      [&out](unsigned char c) {
        if (!append_short_escape(out, c)) append_x2(out, c);
      },
      [&out](char32_t cp) { append_braced(out, cp); },
      [&out](unsigned char c) { append_x2(out, c); });
}

bool pretty_needs_quotes(std::string_view text) noexcept {
  if (text.empty()) return true;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c <= 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '=') return true;
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = utf8_sequence(p + i, n - i, cp);
    if (len == 0 || needs_escape_as_code_point(cp)) return true;
    i += len;
  }
  return false;
}

Truncated truncate_utf8(std::string_view text, std::size_t max_bytes) noexcept {
  const std::string_view kept = text::utf8_prefix(text, max_bytes);
  return {kept, text.size() - kept.size()};
}

void append_truncation_marker(std::string& out, std::size_t cut_bytes) {
  out += "\xe2\x80\xa6[truncated ";
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, cut_bytes).ptr;
  out.append(buf, end);
  out += " bytes]";
}

}  // namespace telemetry::logs
