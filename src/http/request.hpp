#pragma once
// What a route handler sees of an HTTP request: already parsed, within limits, with
// the path parameters of its route template filled in.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace http {

namespace beast_http = boost::beast::http;
using RawRequest = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

struct Request {
  const RawRequest& raw;
  std::string_view path;   // without the query string
  std::string_view query;  // without the '?'; empty when none
  std::string_view route;  // the matched template, e.g. "/api/boards/{id}"
  std::map<std::string, std::string, std::less<>> params;  // {"id": "42"}
  std::string client_address;

  beast_http::verb method() const { return raw.method(); }
  const std::string& body() const { return raw.body(); }
  std::string_view header(beast_http::field name) const {
    auto it = raw.find(name);
    return it == raw.end() ? std::string_view{} : std::string_view(it->value());
  }
  std::string_view header(std::string_view name) const {
    auto it = raw.find(name);
    return it == raw.end() ? std::string_view{} : std::string_view(it->value());
  }
  // Value of one query parameter (percent-decoded), if present.
  std::optional<std::string> query_param(std::string_view name) const;
};

}  // namespace http
