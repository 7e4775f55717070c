#pragma once
// An error that ends a request with a JSON body:
//   {"error":{"code":"not_found","message":"...","request_id":"...","trace_id":"..."}}
// Handlers throw it; the server turns it into the response. `code` is stable and
// machine-readable; `message` is for people.

#include <boost/beast/http/status.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace http {

class ApiError : public std::runtime_error {
 public:
  ApiError(boost::beast::http::status status, std::string code, std::string message,
           boost::json::value details = nullptr)
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        details_(std::move(details)) {}

  boost::beast::http::status status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }
  // Extra machine-readable detail (per-field validation errors, the current element
  // on a version conflict); null when none.
  const boost::json::value& details() const noexcept { return details_; }
  // Extra response headers (Allow, Retry-After...).
  std::vector<std::pair<std::string, std::string>> headers;

 private:
  boost::beast::http::status status_;
  std::string code_;
  boost::json::value details_;
};

}  // namespace http
