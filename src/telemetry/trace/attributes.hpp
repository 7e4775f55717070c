#pragma once
// Typed span attribute values, as OTLP's AnyValue allows them for attributes:
// scalars and homogeneous arrays of scalars.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace telemetry {

using AttributeValue =
    std::variant<bool, std::int64_t, double, std::string, std::vector<bool>,
                 std::vector<std::int64_t>, std::vector<double>, std::vector<std::string>>;

struct Attribute {
  std::string key;
  AttributeValue value;
};

using Attributes = std::vector<Attribute>;

}  // namespace telemetry
