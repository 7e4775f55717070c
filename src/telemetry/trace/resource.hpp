#pragma once
// The entity that produces telemetry (OpenTelemetry Resource): service.name,
// service.version, service.instance.id, telemetry.sdk.* and whatever the operator adds
// through OTEL_RESOURCE_ATTRIBUTES. Built once at start-up; exporters receive it at
// construction and send it with every batch (OTLP ResourceSpans.resource).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/trace/attributes.hpp"

namespace telemetry {

// A getenv-like lookup: returns null when the variable is unset. `std::getenv` fits;
// tests pass a lambda over a map.
using EnvLookup = std::function<const char*(const char*)>;

inline constexpr std::string_view kDefaultServiceName = "realtime-board-api";
inline constexpr std::string_view kSdkName = "realtime-board-telemetry";
inline constexpr std::string_view kSdkLanguage = "cpp";

struct Resource {
  Attributes attributes;

  // The value of a string attribute, or empty when absent or not a string.
  std::string_view get_string(std::string_view key) const noexcept;
  const AttributeValue* find(std::string_view key) const noexcept;
  // Adds or overwrites (the last writer wins, as when resources merge).
  void set(std::string_view key, AttributeValue value);

  // service.name, service.version (build), service.instance.id (a random UUID per
  // process), telemetry.sdk.{name,language,version}, then OTEL_RESOURCE_ATTRIBUTES,
  // then OTEL_SERVICE_NAME (which wins over service.name from the list). Problems
  // (a malformed OTEL_RESOURCE_ATTRIBUTES) are appended to `warnings`.
  static Resource from_env(const EnvLookup& getenv, std::vector<std::string>& warnings);
};

// Parses OTEL_RESOURCE_ATTRIBUTES ("k1=v1,k2=v2", values percent-encoded as in W3C
// Baggage, whitespace around keys and values trimmed). On any malformed entry the
// whole value is discarded (as the spec asks) and `error` says why.
bool parse_resource_attributes(std::string_view text, Attributes& out, std::string& error);

// A random version-4 UUID in its canonical 36-character form.
std::string random_uuid_v4();

// The version of this SDK, which is the version of the build.
std::string_view sdk_version() noexcept;

}  // namespace telemetry
