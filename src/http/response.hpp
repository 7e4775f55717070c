#pragma once
// Small builders for the responses handlers return.

#include <boost/json/value.hpp>
#include <string>

#include "http/request.hpp"

namespace http {

Response json_response(beast_http::status status, const boost::json::value& body);
// `body` is JSON text already written by the caller.
Response json_text_response(beast_http::status status, std::string body);
Response empty_response(beast_http::status status);  // 204 and friends

}  // namespace http
