#pragma once
#include <string_view>

#include "http/error.hpp"
#include "http/request.hpp"

namespace http {

// {"error":{"code":...,"message":...,"request_id":...,"trace_id":...,"details":...}}
Response error_response(const ApiError& error, std::string_view request_id,
                        std::string_view trace_id);

}  // namespace http
