#include "http/request.hpp"

#include <boost/url/params_view.hpp>

namespace http {

std::optional<std::string> Request::query_param(std::string_view name) const {
  if (query.empty()) return std::nullopt;
  try {
    boost::urls::params_view params(query);
    auto it = params.find(name);
    if (it == params.end()) return std::nullopt;
    return std::string((*it).value);
  } catch (const std::exception&) {
    return std::nullopt;  // a malformed query string has no usable parameters
  }
}

}  // namespace http
