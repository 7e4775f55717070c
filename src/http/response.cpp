#include "http/response.hpp"

#include <boost/json/serialize.hpp>

namespace http {

Response json_response(beast_http::status status, const boost::json::value& body) {
  return json_text_response(status, boost::json::serialize(body));
}

Response json_text_response(beast_http::status status, std::string body) {
  Response response{status, 11};
  response.set(beast_http::field::content_type, "application/json");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response empty_response(beast_http::status status) {
  Response response{status, 11};
  response.prepare_payload();
  return response;
}

}  // namespace http
