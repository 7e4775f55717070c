#include "telemetry/trace/span.hpp"

#include "telemetry/trace/span_record.hpp"
#include "telemetry/trace/tracer.hpp"

namespace telemetry {

// Every mutator is noexcept and a no-op on a span that does not record. Allocation
// failure (the only thing that can throw here) loses the one change, never the span.

Span::Span(Span&& other) noexcept
    : tracer_(other.tracer_), context_(std::move(other.context_)), record_(other.record_) {
  other.record_ = nullptr;
}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    tracer_ = other.tracer_;
    context_ = std::move(other.context_);
    record_ = other.record_;
    other.record_ = nullptr;
  }
  return *this;
}

Span::~Span() {
  end();
}

void Span::set_attribute(std::string_view key, std::string_view value) noexcept {
  if (record_ == nullptr) return;
  try {
    detail::set_attribute(*record_, tracer_->limits(), key, value);
  } catch (...) {
  }
}

void Span::set_attribute(std::string_view key, std::int64_t value) noexcept {
  if (record_ == nullptr) return;
  try {
    detail::set_attribute(*record_, tracer_->limits(), key, value);
  } catch (...) {
  }
}

void Span::set_attribute(std::string_view key, double value) noexcept {
  if (record_ == nullptr) return;
  try {
    detail::set_attribute(*record_, tracer_->limits(), key, value);
  } catch (...) {
  }
}

void Span::set_attribute(std::string_view key, bool value) noexcept {
  if (record_ == nullptr) return;
  try {
    detail::set_attribute(*record_, tracer_->limits(), key, value);
  } catch (...) {
  }
}

void Span::set_attribute(std::string_view key, AttributeValue value) noexcept {
  if (record_ == nullptr) return;
  try {
    detail::set_attribute(*record_, tracer_->limits(), key, std::move(value));
  } catch (...) {
  }
}

void Span::add_event(std::string_view name, Attributes attributes) noexcept {
  if (record_ == nullptr) return;
  const SpanLimits& limits = tracer_->limits();
  SpanData& data = record_->data;
  if (data.events.size() >= limits.event_count) {
    ++data.dropped_events;
    return;
  }
  try {
    SpanEvent event;
    event.name.assign(name.data(), name.size());
    event.time = detail::now_for(*record_);
    event.dropped_attributes = detail::limit_attributes(attributes, limits.event_attribute_count,
                                                        limits.attribute_value_length);
    event.attributes = std::move(attributes);
    data.events.push_back(std::move(event));
  } catch (...) {
    ++data.dropped_events;
  }
}

void Span::add_link(const SpanContext& linked, Attributes attributes) noexcept {
  if (record_ == nullptr) return;
  const SpanLimits& limits = tracer_->limits();
  SpanData& data = record_->data;
  if (data.links.size() >= limits.link_count) {
    ++data.dropped_links;
    return;
  }
  try {
    SpanLink link;
    link.context = linked;
    link.dropped_attributes = detail::limit_attributes(attributes, limits.link_attribute_count,
                                                       limits.attribute_value_length);
    link.attributes = std::move(attributes);
    data.links.push_back(std::move(link));
  } catch (...) {
    ++data.dropped_links;
  }
}

void Span::set_status(StatusCode code, std::string_view description) noexcept {
  if (record_ == nullptr) return;
  SpanData& data = record_->data;
  // Spec: Unset is never set explicitly, Ok is final, a description only goes with
  // Error.
  if (code == StatusCode::unset || data.status == StatusCode::ok) return;
  data.status = code;
  try {
    if (code == StatusCode::error) {
      data.status_message.assign(description.data(), description.size());
    } else {
      data.status_message.clear();
    }
  } catch (...) {
    data.status_message.clear();
  }
}

void Span::record_exception(std::string_view type, std::string_view message) noexcept {
  if (record_ == nullptr) return;
  try {
    Attributes attributes;
    attributes.reserve(2);
    attributes.push_back({"exception.type", std::string(type)});
    attributes.push_back({"exception.message", std::string(message)});
    add_event("exception", std::move(attributes));
  } catch (...) {
    ++record_->data.dropped_events;
  }
}

void Span::update_name(std::string_view name) noexcept {
  if (record_ == nullptr) return;
  try {
    record_->data.name.assign(name.data(), name.size());
  } catch (...) {
  }
}

Span Span::start_child(std::string_view name, SpanKind kind) const noexcept {
  if (tracer_ == nullptr) return Span();
  return tracer_->start_span(name, kind, context_);
}

void Span::end() noexcept {
  if (record_ == nullptr) return;
  detail::SpanRecord* record = record_;
  record_ = nullptr;
  tracer_->end_span(record);
}

}  // namespace telemetry
