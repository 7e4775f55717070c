#pragma once
// A request context for tests: a logger that keeps every line it is given (so a test
// can read what was logged) and a non-recording span.

#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "telemetry/context.hpp"

namespace domain::test {

class RecordingLogger final : public telemetry::logs::Logger {
 public:
  struct Line {
    telemetry::logs::Level level;
    std::string target;
    std::string message;
    std::string fields;  // "key=value key=value"
  };

  bool enabled(telemetry::logs::Level, std::string_view) const noexcept override { return true; }

  void write(telemetry::logs::Level level, std::string_view target, std::string_view message,
             std::span<const telemetry::logs::Field> fields,
             const telemetry::logs::Correlation*) const noexcept override {
    std::string text;
    for (const auto& field : fields) {
      text += std::string(field.key) + "=";
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>) {
              text += std::string(v);
            } else {
              text += std::to_string(v);
            }
          },
          field.value);
      text += ' ';
    }
    std::lock_guard lock(mutex_);
    lines_.push_back({level, std::string(target), std::string(message), std::move(text)});
  }

  std::vector<Line> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  // Every line as one text, for "never contains" checks.
  std::string all_text() const {
    std::string out;
    for (const auto& line : lines()) {
      out += line.target + " " + line.message + " " + line.fields + "\n";
    }
    return out;
  }

  bool has_message(std::string_view target, std::string_view message) const {
    for (const auto& line : lines()) {
      if (line.target == target && line.message == message) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<Line> lines_;
};

struct TestContext {
  RecordingLogger logger;
  telemetry::Span span;  // no tracer: a valid, non-recording span
  telemetry::RequestIdentity identity{"req-test", std::nullopt};
  telemetry::Context ctx{logger, span, identity};
};

}  // namespace domain::test
