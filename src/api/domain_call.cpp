#include "api/domain_call.hpp"

#include <boost/json/object.hpp>

#include "api/json_input.hpp"
#include "api/render.hpp"

namespace api {

namespace beast_http = boost::beast::http;

http::ApiError to_api_error(const domain::DomainError& error) {
  using domain::ErrorCode;
  const std::string code(error.code_name());
  switch (error.code()) {
    case ErrorCode::validation_failed:
      return validation_error(error.details(), error.message());
    case ErrorCode::unauthorized: {
      http::ApiError api_error(beast_http::status::unauthorized, code, error.message());
      api_error.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"realtime-board\"");
      return api_error;
    }
    case ErrorCode::forbidden:
      return http::ApiError(beast_http::status::forbidden, code, error.message());
    case ErrorCode::not_found:
      return http::ApiError(beast_http::status::not_found, code, error.message());
    case ErrorCode::version_conflict: {
      boost::json::value details = nullptr;
      if (const auto* current = error.current_element()) {
        details = boost::json::object{{"current", to_json(*current)}};
      }
      return http::ApiError(beast_http::status::conflict, code, error.message(),
                            std::move(details));
    }
    case ErrorCode::username_taken:
    case ErrorCode::conflict:
    case ErrorCode::limit_reached:
      return http::ApiError(beast_http::status::conflict, code, error.message());
  }
  return http::ApiError(beast_http::status::internal_server_error, "internal_error",
                        "internal error");
}

http::ApiError overloaded_error(const storage::Overloaded& refusal) {
  http::ApiError api_error(beast_http::status::service_unavailable, "overloaded", refusal.what());
  api_error.headers.emplace_back("Retry-After", "1");
  return api_error;
}

}  // namespace api
