#include "telemetry/trace_view/span_codec.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <variant>

namespace telemetry::trace_view {

namespace {

template <typename T>
void put(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void put_text(std::string& out, std::string_view text) {
  put(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

void put_value(std::string& out, const AttributeValue& value) {
  put(out, static_cast<std::uint8_t>(value.index()));
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          put_text(out, v);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          put(out, static_cast<std::uint32_t>(v.size()));
          for (const auto& s : v) put_text(out, s);
        } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
          put(out, static_cast<std::uint32_t>(v.size()));
          for (const bool b : v) put(out, static_cast<std::uint8_t>(b));
        } else if constexpr (requires { v.data(); }) {
          put(out, static_cast<std::uint32_t>(v.size()));
          out.append(reinterpret_cast<const char*>(v.data()),
                     v.size() * sizeof(typename T::value_type));
        } else {
          put(out, v);
        }
      },
      value);
}

void put_attributes(std::string& out, const Attributes& attributes) {
  put(out, static_cast<std::uint32_t>(attributes.size()));
  for (const auto& attribute : attributes) {
    put_text(out, attribute.key);
    put_value(out, attribute.value);
  }
}

void put_context(std::string& out, const SpanContext& context) {
  put(out, context.trace_id);
  put(out, context.span_id);
  put(out, context.flags);
  put(out, static_cast<std::uint8_t>(context.remote));
  put_text(out, context.trace_state);
}

// Reads from the front of a span's bytes; any short read marks the whole span bad.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  template <typename T>
  T get() {
    T value{};
    if (in_.size() < sizeof value) {
      ok_ = false;
      in_ = {};
      return value;
    }
    std::memcpy(&value, in_.data(), sizeof value);
    in_.remove_prefix(sizeof value);
    return value;
  }

  std::string text() {
    const auto size = get<std::uint32_t>();
    if (in_.size() < size) {
      ok_ = false;
      in_ = {};
      return {};
    }
    std::string out(in_.substr(0, size));
    in_.remove_prefix(size);
    return out;
  }

  // A count of items each at least `min_size` bytes long, checked against what is left.
  std::uint32_t count(std::size_t min_size) {
    const auto n = get<std::uint32_t>();
    if (static_cast<std::size_t>(n) * min_size > in_.size()) {
      ok_ = false;
      in_ = {};
      return 0;
    }
    return n;
  }

  template <typename T>
  std::vector<T> numbers() {
    const auto n = count(sizeof(T));
    std::vector<T> out(n);
    if (n > 0) {
      std::memcpy(out.data(), in_.data(), n * sizeof(T));
      in_.remove_prefix(n * sizeof(T));
    }
    return out;
  }

  AttributeValue value() {
    switch (get<std::uint8_t>()) {
      case 0:
        return get<std::uint8_t>() != 0;
      case 1:
        return get<std::int64_t>();
      case 2:
        return get<double>();
      case 3:
        return text();
      case 4: {
        std::vector<bool> out(count(1));
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = get<std::uint8_t>() != 0;
        return out;
      }
      case 5:
        return numbers<std::int64_t>();
      case 6:
        return numbers<double>();
      case 7: {
        std::vector<std::string> out(count(sizeof(std::uint32_t)));
        for (auto& s : out) s = text();
        return out;
      }
      default:
        ok_ = false;
        in_ = {};
        return false;
    }
  }

  Attributes attributes() {
    Attributes out(count(sizeof(std::uint32_t) + 1));
    for (auto& attribute : out) {
      attribute.key = text();
      attribute.value = value();
    }
    return out;
  }

  SpanContext context() {
    SpanContext context;
    context.trace_id = get<TraceId>();
    context.span_id = get<SpanId>();
    context.flags = get<std::uint8_t>();
    context.remote = get<std::uint8_t>() != 0;
    context.trace_state = text();
    return context;
  }

  bool ok() const noexcept { return ok_; }
  std::string_view rest() const noexcept { return in_; }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

void append_span(std::string& out, const SpanData& span) {
  put_context(out, span.context);
  put(out, span.parent_span_id);
  put(out, static_cast<std::uint8_t>(span.parent_is_remote));
  put_text(out, span.name);
  put(out, span.kind);
  put(out, span.start_time);
  put(out, span.end_time);
  put_attributes(out, span.attributes);
  put(out, static_cast<std::uint32_t>(span.events.size()));
  for (const auto& event : span.events) {
    put_text(out, event.name);
    put(out, event.time);
    put_attributes(out, event.attributes);
    put(out, event.dropped_attributes);
  }
  put(out, static_cast<std::uint32_t>(span.links.size()));
  for (const auto& link : span.links) {
    put_context(out, link.context);
    put_attributes(out, link.attributes);
    put(out, link.dropped_attributes);
  }
  put(out, span.status);
  put_text(out, span.status_message);
  put(out, span.dropped_attributes);
  put(out, span.dropped_events);
  put(out, span.dropped_links);
}

std::optional<SpanData> read_span(std::string_view& in) {
  Reader r(in);
  SpanData span;
  span.context = r.context();
  span.parent_span_id = r.get<SpanId>();
  span.parent_is_remote = r.get<std::uint8_t>() != 0;
  span.name = r.text();
  span.kind = r.get<SpanKind>();
  span.start_time = r.get<UnixNanos>();
  span.end_time = r.get<UnixNanos>();
  span.attributes = r.attributes();
  span.events.resize(r.count(sizeof(std::uint32_t) + sizeof(UnixNanos)));
  for (auto& event : span.events) {
    event.name = r.text();
    event.time = r.get<UnixNanos>();
    event.attributes = r.attributes();
    event.dropped_attributes = r.get<std::uint32_t>();
  }
  span.links.resize(r.count(sizeof(TraceId) + sizeof(SpanId)));
  for (auto& link : span.links) {
    link.context = r.context();
    link.attributes = r.attributes();
    link.dropped_attributes = r.get<std::uint32_t>();
  }
  span.status = r.get<StatusCode>();
  span.status_message = r.text();
  span.dropped_attributes = r.get<std::uint32_t>();
  span.dropped_events = r.get<std::uint32_t>();
  span.dropped_links = r.get<std::uint32_t>();
  if (!r.ok()) return std::nullopt;
  in = r.rest();
  return span;
}

}  // namespace telemetry::trace_view
