#include "http/error_response.hpp"

#include <boost/json/object.hpp>

#include "http/response.hpp"
#include "http/utf8.hpp"

namespace http {

Response error_response(const ApiError& error, std::string_view request_id,
                        std::string_view trace_id) {
  boost::json::object body;
  body["code"] = error.code();
  // A message may quote what the client sent; the body must stay valid UTF-8.
  body["message"] = to_valid_utf8(error.what());
  body["request_id"] = request_id;
  body["trace_id"] = trace_id;
  if (!error.details().is_null()) body["details"] = error.details();
  Response response = json_response(error.status(), boost::json::object{{"error", body}});
  for (const auto& [name, value] : error.headers) response.set(name, value);
  return response;
}

}  // namespace http
