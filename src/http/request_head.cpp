#include "http/request_head.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>
#include <string>
#include <vector>

#include "http/utf8.hpp"

namespace http {

namespace {

using status = beast_http::status;

ApiError bad_request(std::string message) {
  return ApiError(status::bad_request, "bad_request", std::move(message));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The members of every field line named `name`, in order, empty members dropped
// (RFC 9110 5.6.1: a recipient ignores them).
std::vector<std::string_view> list_members(const RawRequest& head, beast_http::field name) {
  std::vector<std::string_view> members;
  for (const auto& field : head) {
    if (field.name() != name) continue;
    std::string_view value = field.value();
    while (!value.empty()) {
      const std::size_t comma = value.find(',');
      const std::string_view member = trim(value.substr(0, comma));
      if (!member.empty()) members.push_back(member);
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return members;
}

std::optional<ApiError> check_transfer_encoding(const RawRequest& head) {
  if (head.find(beast_http::field::transfer_encoding) == head.end()) return std::nullopt;
  if (head.version() < 11) {
    return bad_request("Transfer-Encoding is not allowed in an HTTP/1.0 request");
  }
  if (head.find(beast_http::field::content_length) != head.end()) {
    return bad_request("Content-Length and Transfer-Encoding must not be sent together");
  }
  const auto codings = list_members(head, beast_http::field::transfer_encoding);
  if (codings.size() != 1 || !boost::beast::iequals(codings.front(), "chunked")) {
    return bad_request("unsupported Transfer-Encoding: the only coding accepted is chunked");
  }
  return std::nullopt;
}

std::optional<ApiError> check_host(const RawRequest& head) {
  std::size_t count = 0;
  std::string_view value;
  for (const auto& field : head) {
    if (field.name() != beast_http::field::host) continue;
    ++count;
    value = field.value();
  }
  if (count > 1) return bad_request("more than one Host header field");
  if (count == 0) {
    if (head.version() >= 11) return bad_request("an HTTP/1.1 request needs a Host header field");
    return std::nullopt;
  }
  const auto authority = boost::urls::parse_authority(value);
  if (!authority || authority->has_userinfo()) return bad_request("invalid Host header field");
  return std::nullopt;
}

bool printable_ascii(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<ApiError> check_framing(const RawRequest& head) {
  if (auto error = check_transfer_encoding(head)) return error;
  return check_host(head);
}

Expectation expectation_of(const RawRequest& head) {
  if (head.version() < 11 || head.find(beast_http::field::expect) == head.end()) {
    return Expectation::none;
  }
  const auto members = list_members(head, beast_http::field::expect);
  if (members.size() == 1 && boost::beast::iequals(members.front(), "100-continue")) {
    return Expectation::continue_;
  }
  return Expectation::unknown;
}

std::variant<Target, ApiError> parse_target(std::string_view target) {
  // Raw bytes outside printable ASCII are never valid in a request target (RFC 3986
  // allows them only percent-encoded); rejecting them here also keeps them out of
  // every error message that names the path.
  if (!printable_ascii(target)) {
    return bad_request("the request target contains a byte that is not printable ASCII");
  }
  boost::system::result<boost::urls::url_view> url;
  if (!target.empty() && target.front() == '/') {
    url = boost::urls::parse_origin_form(target);
  } else {
    url = boost::urls::parse_absolute_uri(target);
    if (url && url->scheme_id() != boost::urls::scheme::http &&
        url->scheme_id() != boost::urls::scheme::https) {
      return bad_request("an absolute request target must be an http or https URL");
    }
  }
  if (!url) return bad_request("malformed request target");
  if (!is_valid_utf8(url->path()) || !is_valid_utf8(url->query())) {
    return bad_request("the request target is not UTF-8 once percent-decoded");
  }
  Target parts;
  parts.path = url->encoded_path();
  if (parts.path.empty()) parts.path = "/";  // "http://host" names the root
  if (url->has_query()) parts.query = url->encoded_query();
  return parts;
}

}  // namespace http
