#pragma once
// Escaping that makes any byte string safe inside one log line (no log injection):
// a value can never end the line, forge a field, or drive the terminal.
//
// JSON (append_json_escaped), the text between the quotes of a JSON string:
//   '"' and '\\' are escaped; \b \f \n \r \t use their short forms; the other C0
//   controls, DEL, the C1 controls (U+0080..U+009F) and U+2028/U+2029 become \u00XX /
//   \u2028; each byte that is not part of well-formed UTF-8 (stray continuation,
//   overlong, surrogate, > U+10FFFF, cut sequence) becomes \ufffd. The output is
//   pure ASCII apart from well-formed, printable UTF-8 copied as is.
//
// Pretty (append_pretty_escaped): the same classes of characters become \n \r \t,
//   \xNN (C0, DEL and each invalid byte) or \u{XXXX} (C1, U+2028/9); when `quoted`,
//   '"' and '\\' are escaped too. Unquoted text (the message) keeps backslashes as
//   they are, which is easier to read and cannot break the line.

#include <cstddef>
#include <string>
#include <string_view>

namespace telemetry::logs {

void append_json_escaped(std::string& out, std::string_view text);
void append_pretty_escaped(std::string& out, std::string_view text, bool quoted);

// True when a pretty value must be quoted to read back unambiguously: empty, or
// containing a space, '=', '"', '\\' or anything append_pretty_escaped changes.
bool pretty_needs_quotes(std::string_view text) noexcept;

// Values longer than a limit are cut at a UTF-8 character boundary at or below
// `max_bytes`; `cut_bytes` says how many bytes of the original were left out.
struct Truncated {
  std::string_view kept;
  std::size_t cut_bytes = 0;
};
Truncated truncate_utf8(std::string_view text, std::size_t max_bytes) noexcept;

// The marker appended after a truncated value, inside the same string:
// "…[truncated N bytes]" (U+2026, then ASCII).
void append_truncation_marker(std::string& out, std::size_t cut_bytes);

}  // namespace telemetry::logs
