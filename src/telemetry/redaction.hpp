#pragma once
// The one rule that keeps secrets out of telemetry: log fields, the url.query of
// spans, the browser's log events and the trace pages all call these functions, so a
// key hidden in one place is hidden in all of them.
//
// Cheap enough for the request path: every function is one forward scan without
// regular expressions, and the common case (nothing secret) allocates nothing.

#include <optional>
#include <string>
#include <string_view>

namespace telemetry::redaction {

// What replaces a secret in a log line or inside a text.
inline constexpr std::string_view kRedacted = "[REDACTED]";
// What replaces a secret parameter value in a query string (no characters that a URL
// would escape).
inline constexpr std::string_view kRedactedQueryValue = "REDACTED";

// True when a field, header or parameter named `key` holds a secret. Case is ignored.
// The key is secret when it
// - contains one of: token, password, passwd, secret, cookie, authorization,
//   credential, apikey, jwt, session, sessid, signature, bearer (so access_token,
//   set-cookie, JSESSIONID, x-auth-token);
// - has a word, split on any non-alphanumeric character and at lower-to-upper case
//   changes, that is one of: key, auth, pass, pwd, sig, sid, otp (so x-api-key,
//   apiKey, auth_header, pass);
// - or its last dot-separated segment is exactly "code" (an OAuth authorization code;
//   "status_code" is not a secret).
// Errs on the side of hiding: "tokens_used" and "sort_key" are hidden too.
bool is_secret_key(std::string_view key) noexcept;

// `text` with every credential found inside it replaced by kRedacted, or nullopt when
// there is none. A credential is
// - the value of a `key=value` or `key: value` pair whose key is secret (quotes
//   around either are allowed: `"token":"abc"`); an authentication scheme in front of
//   the value stays visible ("Authorization: Bearer [REDACTED]");
// - the word after "Bearer" or "Basic" when it looks like a credential (token68
//   characters; 8 or more, or with a digit, '+', '/' or '='), or after a scheme that
//   starts the text.
std::optional<std::string> redact_text(std::string_view text);

// The query string (without '?') with the value of every parameter whose key is
// secret replaced by kRedactedQueryValue. Pairs are split on '&' and ';'; keys are
// percent-decoded before the check ("access%5Ftoken"); everything else is kept as sent.
std::string redact_query(std::string_view query);

}  // namespace telemetry::redaction
