#include "telemetry/redaction.hpp"

#include <array>

#include "telemetry/text.hpp"

namespace telemetry::redaction {

namespace {

constexpr char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool is_upper(char c) noexcept {
  return c >= 'A' && c <= 'Z';
}
constexpr bool is_lower(char c) noexcept {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) noexcept {
  return is_lower(c) || is_upper(c) || is_digit(c);
}
// Characters of a key inside free text ("x-api-key", "client.secret").
constexpr bool is_key_char(char c) noexcept {
  return is_alnum(c) || c == '_' || c == '-' || c == '.';
}
// RFC 9110's token68, the alphabet of bearer tokens and base64 credentials.
constexpr bool is_token68_char(char c) noexcept {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}
// Where a value inside free text ends.
constexpr bool ends_value(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '&' || c == ';' || c == ',' ||
         c == '"' || c == '\'' || c == '}' || c == ']' || c == ')';
}

bool starts_with_folded(std::string_view text, std::string_view lower_word) noexcept {
  if (text.size() < lower_word.size()) return false;
  for (std::size_t i = 0; i < lower_word.size(); ++i) {
    if (lower(text[i]) != lower_word[i]) return false;
  }
  return true;
}

bool equals_folded(std::string_view text, std::string_view lower_word) noexcept {
  return text.size() == lower_word.size() && starts_with_folded(text, lower_word);
}

// Secret anywhere in a key. Grouped by first letter so that a position costs one switch.
bool contains_secret_stem(std::string_view key) noexcept {
  for (std::size_t at = 0; at < key.size(); ++at) {
    const std::string_view rest = key.substr(at);
    switch (lower(key[at])) {
      case 'a':
        if (starts_with_folded(rest, "authorization") || starts_with_folded(rest, "apikey")) {
          return true;
        }
        break;
      case 'b':
        if (starts_with_folded(rest, "bearer")) return true;
        break;
      case 'c':
        if (starts_with_folded(rest, "cookie") || starts_with_folded(rest, "credential")) {
          return true;
        }
        break;
      case 'j':
        if (starts_with_folded(rest, "jwt")) return true;
        break;
      case 'p':
        if (starts_with_folded(rest, "password") || starts_with_folded(rest, "passwd")) {
          return true;
        }
        break;
      case 's':
        if (starts_with_folded(rest, "secret") || starts_with_folded(rest, "session") ||
            starts_with_folded(rest, "sessid") || starts_with_folded(rest, "signature")) {
          return true;
        }
        break;
      case 't':
        if (starts_with_folded(rest, "token")) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

// Words too short to match inside other words ("keyboard", "passenger", "signal").
constexpr std::array<std::string_view, 7> kSecretWords{"key", "auth", "pass", "pwd",
                                                       "sig", "sid",  "otp"};

bool is_secret_word(std::string_view word) noexcept {
  for (const std::string_view secret : kSecretWords) {
    if (equals_folded(word, secret)) return true;
  }
  return false;
}

bool has_secret_word(std::string_view key) noexcept {
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= key.size(); ++i) {
    const bool at_end = i == key.size();
    // A word ends at a separator, or before an upper-case letter that follows a
    // lower-case one or a digit ("apiKey", "x2Sig").
    const bool split =
        at_end || !is_alnum(key[i]) || (i > begin && is_upper(key[i]) && !is_upper(key[i - 1]));
    if (!split) continue;
    if (i > begin && is_secret_word(key.substr(begin, i - begin))) return true;
    begin = (at_end || !is_alnum(key[i])) ? i + 1 : i;
  }
  return false;
}

bool last_segment_is_code(std::string_view key) noexcept {
  const std::size_t dot = key.rfind('.');
  return equals_folded(dot == std::string_view::npos ? key : key.substr(dot + 1), "code");
}

// "bearer" or "basic" followed by at least one space, at a word start: the length of
// the scheme and its spaces, else 0.
std::size_t scheme_length(std::string_view text, std::size_t at) noexcept {
  if (at > 0 && is_alnum(text[at - 1])) return 0;
  const std::string_view rest = text.substr(at);
  std::size_t length = 0;
  if (starts_with_folded(rest, "bearer")) {
    length = 6;
  } else if (starts_with_folded(rest, "basic")) {
    length = 5;
  } else {
    return 0;
  }
  if (length >= rest.size() || rest[length] != ' ') return 0;
  while (length < rest.size() && rest[length] == ' ') ++length;
  return length;
}

bool looks_like_credential(std::string_view word) noexcept {
  if (word.size() >= 8) return true;
  for (const char c : word) {
    if (is_digit(c) || c == '+' || c == '/' || c == '=') return true;
  }
  return false;
}

// Builds the redacted copy lazily: nothing is allocated until the first secret.
class Redactor {
 public:
  explicit Redactor(std::string_view text) : text_(text) {}

  // Replaces text_[begin, end) by kRedacted; `begin` is at or after the last end.
  void hide(std::size_t begin, std::size_t end) {
    if (!out_) {
      out_.emplace();
      out_->reserve(text_.size() + kRedacted.size());
    }
    out_->append(text_.substr(copied_, begin - copied_));
    out_->append(kRedacted);
    copied_ = end;
  }
  std::size_t copied() const noexcept { return copied_; }

  std::optional<std::string> finish() {
    if (out_) out_->append(text_.substr(copied_));
    return std::move(out_);
  }

 private:
  std::string_view text_;
  std::size_t copied_ = 0;
  std::optional<std::string> out_;
};

// At a '=' or ':' at `at`: the end of the secret value it introduces (and `begin`
// set to its start), or 0 when the key before it is not secret or the value is empty.
std::size_t secret_value_after(std::string_view text, std::size_t at, std::size_t floor,
                               std::size_t& begin) noexcept {
  std::size_t key_end = at;
  if (key_end > floor && (text[key_end - 1] == '"' || text[key_end - 1] == '\'')) --key_end;
  std::size_t key_begin = key_end;
  while (key_begin > floor && is_key_char(text[key_begin - 1])) --key_begin;
  const std::string_view key = text.substr(key_begin, key_end - key_begin);
  // "code" only before '=' (a query-like pair): "error code: 500" in prose is no secret.
  const bool secret = contains_secret_stem(key) || has_secret_word(key) ||
                      (text[at] == '=' && last_segment_is_code(key));
  if (key.empty() || !secret) return 0;
  std::size_t value = at + 1;
  while (value < text.size() && (text[value] == ' ' || text[value] == '\t')) ++value;
  if (value < text.size() && (text[value] == '"' || text[value] == '\'')) ++value;
  value += scheme_length(text, value);  // the scheme stays readable
  std::size_t end = value;
  while (end < text.size() && !ends_value(text[end])) ++end;
  begin = value;
  return end > value ? end : 0;
}

}  // namespace

bool is_secret_key(std::string_view key) noexcept {
  return contains_secret_stem(key) || has_secret_word(key) || last_segment_is_code(key);
}

std::optional<std::string> redact_text(std::string_view text) {
  Redactor redactor(text);
  // A scheme at the very start ("Bearer x") marks the whole value as a credential.
  const std::size_t leading = text.find_first_not_of(" \t");
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '=' || c == ':') {
      std::size_t begin = 0;
      if (const std::size_t end = secret_value_after(text, i, redactor.copied(), begin)) {
        redactor.hide(begin, end);
        i = end;
        continue;
      }
    } else if (c == 'b' || c == 'B') {
      if (const std::size_t length = scheme_length(text, i)) {
        const std::size_t begin = i + length;
        std::size_t end = begin;
        while (end < text.size() && is_token68_char(text[end])) ++end;
        const std::string_view word = text.substr(begin, end - begin);
        if (!word.empty() && (i == leading || looks_like_credential(word))) {
          redactor.hide(begin, end);
          i = end;
          continue;
        }
      }
    }
    ++i;
  }
  return redactor.finish();
}

std::string redact_query(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = start;
    while (end < query.size() && query[end] != '&' && query[end] != ';') ++end;
    const std::string_view pair = query.substr(start, end - start);
    const std::size_t equals = pair.find('=');
    const std::string_view key = pair.substr(0, equals);
    bool secret = false;
    if (equals != std::string_view::npos) {
      if (key.find('%') == std::string_view::npos) {
        secret = is_secret_key(key);
      } else {
        // A key that does not decode is checked as sent.
        const auto decoded = text::percent_decode(key);
        secret = is_secret_key(decoded ? std::string_view(*decoded) : key);
      }
    }
    if (secret) {
      out += key;
      out += '=';
      out += kRedactedQueryValue;
    } else {
      out += pair;
    }
    if (end == query.size()) break;
    out += query[end];  // the separator as sent
    start = end + 1;
  }
  return out;
}

}  // namespace telemetry::redaction
