#include "telemetry/trace/resource.hpp"
#include "telemetry/text.hpp"

#include <cctype>
#include <cstdio>

#include "telemetry/trace/id_generator.hpp"

#ifndef RB_SERVICE_VERSION
#define RB_SERVICE_VERSION "0.0.0-unknown"
#endif

namespace telemetry {

namespace {}  // namespace

const AttributeValue* Resource::find(std::string_view key) const noexcept {
  for (const auto& attribute : attributes) {
    if (attribute.key == key) return &attribute.value;
  }
  return nullptr;
}

std::string_view Resource::get_string(std::string_view key) const noexcept {
  const AttributeValue* value = find(key);
  if (value == nullptr) return {};
  const auto* text = std::get_if<std::string>(value);
  return text ? std::string_view(*text) : std::string_view();
}

void Resource::set(std::string_view key, AttributeValue value) {
  for (auto& attribute : attributes) {
    if (attribute.key == key) {
      attribute.value = std::move(value);
      return;
    }
  }
  attributes.push_back({std::string(key), std::move(value)});
}

bool parse_resource_attributes(std::string_view text, Attributes& out, std::string& error) {
  Attributes parsed;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view entry = text::trim_space(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (entry.empty()) continue;
    const std::size_t equals = entry.find('=');
    if (equals == std::string_view::npos) {
      error = "entry \"" + std::string(entry) + "\" has no '='";
      return false;
    }
    const std::string_view key = text::trim_space(entry.substr(0, equals));
    if (key.empty()) {
      error = "entry \"" + std::string(entry) + "\" has an empty key";
      return false;
    }
    auto value = text::percent_decode(text::trim_space(entry.substr(equals + 1)));
    if (!value) {
      error = "entry \"" + std::string(entry) + "\" has a malformed percent-encoding";
      return false;
    }
    const auto decoded_key = text::percent_decode(key);
    if (!decoded_key) {
      error = "key \"" + std::string(key) + "\" has a malformed percent-encoding";
      return false;
    }
    bool replaced = false;
    for (auto& attribute : parsed) {
      if (attribute.key == *decoded_key) {
        attribute.value = std::move(*value);
        replaced = true;
      }
    }
    if (!replaced) parsed.push_back({std::move(*decoded_key), std::move(*value)});
  }
  out = std::move(parsed);
  return true;
}

std::string random_uuid_v4() {
  std::uint64_t high = random_u64();
  std::uint64_t low = random_u64();
  high = (high & ~0xf000ULL) | 0x4000ULL;            // version 4
  low = (low & ~(0xc0ULL << 56)) | (0x80ULL << 56);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

std::string_view sdk_version() noexcept {
  return RB_SERVICE_VERSION;
}

Resource Resource::from_env(const EnvLookup& getenv, std::vector<std::string>& warnings) {
  Resource resource;
  resource.set("service.name", std::string(kDefaultServiceName));
  resource.set("service.version", std::string(RB_SERVICE_VERSION));
  resource.set("service.instance.id", random_uuid_v4());
  resource.set("telemetry.sdk.name", std::string(kSdkName));
  resource.set("telemetry.sdk.language", std::string(kSdkLanguage));
  resource.set("telemetry.sdk.version", std::string(sdk_version()));

  const char* listed = getenv ? getenv("OTEL_RESOURCE_ATTRIBUTES") : nullptr;
  if (listed != nullptr && *listed != '\0') {
    Attributes parsed;
    std::string error;
    if (parse_resource_attributes(listed, parsed, error)) {
      for (auto& attribute : parsed) resource.set(attribute.key, std::move(attribute.value));
    } else {
      warnings.push_back("OTEL_RESOURCE_ATTRIBUTES ignored: " + error);
    }
  }
  const char* service_name = getenv ? getenv("OTEL_SERVICE_NAME") : nullptr;
  if (service_name != nullptr && !text::trim_space(service_name).empty()) {
    resource.set("service.name", std::string(text::trim_space(service_name)));
  }
  return resource;
}

}  // namespace telemetry
