#include "http/request.hpp"

#include <boost/url/params_view.hpp>

namespace http {

std::optional<std::string> Request::query_param(std::string_view name) const {
  if (query.empty()) return std::nullopt;
  try {
    // Boost.URL 1.81 reads the view up to a NUL rather than its end, so give it a
    // string of its own.
    const std::string owned(query);
    boost::urls::params_view params(owned);
    auto it = params.find(name);
    if (it == params.end()) return std::nullopt;
    return std::string((*it).value);
  } catch (const std::exception&) {
    return std::nullopt;  // a malformed query string has no usable parameters
  }
}

}  // namespace http
