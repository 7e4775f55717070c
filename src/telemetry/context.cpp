#include "telemetry/context.hpp"

#include <string>
#include <variant>

namespace telemetry {

namespace {
std::string field_text(const logs::FieldValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>)
          return std::string(v);
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "true" : "false";
        else
          return std::to_string(v);
      },
      value);
}
}  // namespace

void Context::log(logs::Level level, std::string_view target, std::string_view message,
                  std::initializer_list<logs::Field> fields) const noexcept {
  if (level >= logs::Level::error && span_->is_recording()) {
    Attributes attributes;
    attributes.push_back({"log.severity", std::string(logs::to_string(level))});
    attributes.push_back({"log.target", std::string(target)});
    for (const auto& field : fields) {
      attributes.push_back({std::string(field.key), field_text(field.value)});
    }
    span_->add_event(message, std::move(attributes));
  }
  if (!logger_->enabled(level, target)) return;
  const logs::Correlation correlation{&span_->context(), identity_->request_id, identity_->user_id};
  logger_->write(level, target, message, {fields.begin(), fields.size()}, &correlation);
}

}  // namespace telemetry
