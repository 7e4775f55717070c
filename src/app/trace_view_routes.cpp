#include "app/trace_view_routes.hpp"

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <variant>

#include "telemetry/trace_view/api_json.hpp"
#include "telemetry/trace_view/assets.hpp"

namespace app {

namespace {

namespace tv = telemetry::trace_view;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

// Scripts and styles only from the service itself, no inline script, no frames, no
// forms elsewhere: a value that slipped through escaping could still run nothing.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

http::Response respond(status code, std::string_view content_type, std::string body) {
  http::Response response{code, 11};
  response.set(field::content_type, content_type);
  response.set("content-security-policy", kContentSecurityPolicy);
  response.set(field::cache_control, "no-store");
  response.set("x-content-type-options", "nosniff");
  response.set("referrer-policy", "no-referrer");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

http::Response json(status code, std::string body) {
  return respond(code, "application/json", std::move(body));
}

http::Response error(status code, std::string_view code_name, std::string_view message) {
  return json(code, "{\"error\":{\"code\":\"" + std::string(code_name) + "\",\"message\":\"" +
                        std::string(message) + "\"}}");
}

http::Response refused() {
  return error(status::forbidden, "forbidden",
               "the trace view answers loopback clients, or a bearer token (BOARD_DEBUG_TOKEN)");
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

std::optional<std::chrono::nanoseconds> millis_param(const http::Request& request,
                                                     std::string_view name) {
  const auto text = request.query_param(name);
  if (!text || text->empty()) return std::nullopt;
  double millis = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), millis);
  if (ec != std::errc() || end != text->data() + text->size() || millis < 0) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(millis * 1e6));
}

tv::TraceFilter filter_of(const http::Request& request) {
  tv::TraceFilter filter;
  filter.name = request.query_param("name").value_or("");
  filter.min_duration = millis_param(request, "min_ms");
  filter.max_duration = millis_param(request, "max_ms");
  filter.errors_only = request.query_param("errors").value_or("") == "1";
  const std::string attribute = request.query_param("attr").value_or("");
  if (const std::size_t equals = attribute.find('='); equals != std::string::npos) {
    filter.attribute_key = attribute.substr(0, equals);
    filter.attribute_value = attribute.substr(equals + 1);
  }
  if (const auto limit = request.query_param("limit")) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec == std::errc() && end == limit->data() + limit->size() && value > 0) {
      filter.limit = std::min<std::size_t>(value, 5'000);
    }
  }
  return filter;
}

// Every route of the view: the access check first, then the handler.
template <class Body>
void add_route(http::Router& router, std::string pattern, std::string token, Body body) {
  router.add(verb::get, std::move(pattern),
             [token = std::move(token), body = std::move(body)](
                 http::Request& request,
                 const telemetry::Context&) -> boost::asio::awaitable<http::Response> {
               if (!trace_view_allowed(request, token)) co_return refused();
               co_return body(request);
             });
}

}  // namespace

std::vector<std::string> trace_view_span_prefixes() {
  return {"GET /debug/traces", "GET /debug/api/", "GET /debug/assets/"};
}

bool trace_view_allowed(const http::Request& request, const std::string& debug_token) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(request.client_address, ec);
  if (!ec) {
    if (address.is_loopback()) return true;
    if (address.is_v6() && address.to_v6().is_v4_mapped() &&
        boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
            .is_loopback()) {
      return true;
    }
  }
  if (debug_token.empty()) return false;
  const std::string_view authorization = request.header(field::authorization);
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return false;
    }
  }
  return constant_time_equal(authorization.substr(kScheme.size()), debug_token);
}

void register_trace_view_routes(http::Router& router, std::shared_ptr<tv::TraceView> view,
                                const telemetry::TracerProvider& tracing,
                                const TraceViewSettings& settings) {
  const std::string& token = settings.debug_token;
  const auto page = [](std::string_view name) {
    return [name](http::Request&) {
      const auto asset = tv::find_asset(name);
      if (!asset) return error(status::not_found, "not_found", "no such page");
      return respond(status::ok, tv::content_type(name), std::string(asset->body));
    };
  };
  add_route(router, "/debug/traces", token, page("traces.html"));
  add_route(router, "/debug/traces/{trace_id}", token, page("trace.html"));
  add_route(router, "/debug/assets/{name}", token, [](http::Request& request) {
    const std::string& name = request.params.at("name");
    const auto asset = tv::find_asset(name);
    if (!asset || name.ends_with(".html")) {
      return error(status::not_found, "not_found", "no such asset");
    }
    return respond(status::ok, tv::content_type(name), std::string(asset->body));
  });

  const std::string service(tracing.resource().get_string("service.name"));
  add_route(router, "/debug/api/traces", token, [view, service](http::Request& request) {
    const auto traces = view->list(filter_of(request));
    return json(status::ok, tv::list_json(traces, view->stats(), service));
  });
  // The trace as the page reads it (spans, log lines, link), and its spans alone as an
  // OTLP/JSON file to download.
  const auto find_trace =
      [view](http::Request& request) -> std::variant<tv::Trace, http::Response> {
    const std::string& hex = request.params.at("trace_id");
    const auto trace_id = telemetry::TraceId::from_hex(hex);
    if (!trace_id) {
      return error(status::bad_request, "invalid_trace_id",
                   "a trace id is 32 lowercase hex digits");
    }
    auto trace = view->find(*trace_id);
    if (!trace) {
      return error(status::not_found, "not_found",
                   "no such trace in the view (not recorded, or evicted)");
    }
    return std::move(*trace);
  };
  add_route(router, "/debug/api/traces/{trace_id}", token,
            [find_trace, &tracing, link = settings.link_template](http::Request& request) {
              auto found = find_trace(request);
              if (auto* refusal = std::get_if<http::Response>(&found)) return std::move(*refusal);
              const auto& trace = std::get<tv::Trace>(found);
              return json(status::ok,
                          tv::trace_json(trace, tracing.resource(),
                                         tv::trace_link(link, request.params.at("trace_id"))));
            });
  add_route(router, "/debug/api/traces/{trace_id}/otlp", token,
            [find_trace, &tracing](http::Request& request) {
              auto found = find_trace(request);
              if (auto* refusal = std::get_if<http::Response>(&found)) return std::move(*refusal);
              http::Response response =
                  json(status::ok, tv::otlp_json(std::get<tv::Trace>(found), tracing.resource()));
              response.set(
                  field::content_disposition,
                  "attachment; filename=\"trace-" + request.params.at("trace_id") + ".otlp.json\"");
              return response;
            });
  add_route(router, "/debug/api/pipeline", token, [view, &tracing](http::Request&) {
    return json(status::ok, tv::pipeline_json(tracing.stats(), view->stats()));
  });
}

}  // namespace app
