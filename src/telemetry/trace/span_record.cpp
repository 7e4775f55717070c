#include "telemetry/trace/span_record.hpp"

#include <algorithm>
#include <cstring>

#include "telemetry/text.hpp"

namespace telemetry::detail {

namespace {

// The bit for `key` in SpanRecord::key_bits, from its length and first and last 8 bytes.
std::uint64_t key_bit(std::string_view key) noexcept {
  const std::size_t size = key.size();
  std::uint64_t head = size, tail = 0;
  if (size >= 8) {
    std::memcpy(&head, key.data(), sizeof head);
    std::memcpy(&tail, key.data() + size - 8, sizeof tail);
    tail ^= size;
  } else {
    for (std::size_t i = 0; i < size; ++i) tail = (tail << 8) | static_cast<std::uint8_t>(key[i]);
  }
  const std::uint64_t mixed = (head ^ (tail * 0x9E3779B97F4A7C15ULL)) * 0xFF51AFD7ED558CCDULL;
  return std::uint64_t{1} << (mixed >> 58);
}

// The entry for `key`: the existing one, a reused leftover, or a new one; null when
// the count limit is reached (counted as dropped).
Attribute* slot_for(SpanRecord& record, const SpanLimits& limits, std::string_view key) {
  Attributes& attributes = record.data.attributes;
  const std::uint64_t bit = key_bit(key);
  if ((record.key_bits & bit) != 0) {
    for (std::size_t i = 0; i < record.attribute_count; ++i) {
      if (attributes[i].key == key) return &attributes[i];
    }
  }
  if (record.attribute_count >= limits.attribute_count) {
    ++record.data.dropped_attributes;
    return nullptr;
  }
  record.key_bits |= bit;
  if (record.attribute_count == attributes.size()) attributes.emplace_back();
  Attribute& slot = attributes[record.attribute_count++];
  slot.key.assign(key.data(), key.size());
  return &slot;
}

void truncate_value(AttributeValue& value, std::size_t limit) noexcept {
  if (limit == SpanLimits::kNoLimit) return;
  if (auto* text = std::get_if<std::string>(&value)) {
    truncate_utf8(*text, limit);
  } else if (auto* texts = std::get_if<std::vector<std::string>>(&value)) {
    for (auto& element : *texts) truncate_utf8(element, limit);
  }
}

}  // namespace

void truncate_utf8(std::string& text, std::size_t limit) noexcept {
  text.resize(text::utf8_prefix(text, limit).size());
}

UnixNanos now_for(const SpanRecord& record) noexcept {
  const auto elapsed = std::chrono::steady_clock::now() - record.start_steady;
  return record.data.start_time +
         static_cast<UnixNanos>(
             std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
}

namespace {
struct WallAnchor {
  std::int64_t steady_ns;
  UnixNanos wall_ns;
  bool set;
};
thread_local WallAnchor tls_anchor{};  // plain integers: no destructor
constexpr std::int64_t kReanchorNanos = 50'000'000;
}  // namespace

UnixNanos wall_time_at(std::chrono::steady_clock::time_point steady_now) noexcept {
  const std::int64_t steady_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(steady_now.time_since_epoch()).count();
  WallAnchor& anchor = tls_anchor;
  const std::int64_t since = steady_ns - anchor.steady_ns;
  if (!anchor.set || since < 0 || since >= kReanchorNanos) [[unlikely]] {
    anchor.wall_ns = static_cast<UnixNanos>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
    anchor.steady_ns = steady_ns;
    anchor.set = true;
    return anchor.wall_ns;
  }
  return anchor.wall_ns + static_cast<UnixNanos>(since);
}

void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key,
                   std::string_view value) {
  Attribute* slot = slot_for(record, limits, key);
  if (slot == nullptr) return;
  value = text::utf8_prefix(value, limits.attribute_value_length);
  if (auto* text = std::get_if<std::string>(&slot->value)) {
    text->assign(value.data(), value.size());
  } else {
    slot->value.emplace<std::string>(value);
  }
}

void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key,
                   AttributeValue value) {
  if (auto* text = std::get_if<std::string>(&value)) {
    set_attribute(record, limits, key, std::string_view(*text));
    return;
  }
  Attribute* slot = slot_for(record, limits, key);
  if (slot == nullptr) return;
  truncate_value(value, limits.attribute_value_length);
  slot->value = std::move(value);
}

void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key,
                   std::int64_t value) {
  if (Attribute* slot = slot_for(record, limits, key)) slot->value = value;
}

void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key,
                   double value) {
  if (Attribute* slot = slot_for(record, limits, key)) slot->value = value;
}

void set_attribute(SpanRecord& record, const SpanLimits& limits, std::string_view key, bool value) {
  if (Attribute* slot = slot_for(record, limits, key)) slot->value = value;
}

std::uint32_t limit_attributes(Attributes& attributes, std::size_t count_limit,
                               std::size_t value_length_limit) {
  // A later entry with the same key overwrites an earlier one, as set_attribute does.
  std::size_t kept = 0;
  std::uint32_t dropped = 0;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    auto existing = std::find_if(attributes.begin(), attributes.begin() + kept,
                                 [&](const Attribute& a) { return a.key == attributes[i].key; });
    if (existing != attributes.begin() + kept) {
      existing->value = std::move(attributes[i].value);
      truncate_value(existing->value, value_length_limit);
      continue;
    }
    if (kept >= count_limit) {
      ++dropped;
      continue;
    }
    if (kept != i) attributes[kept] = std::move(attributes[i]);
    truncate_value(attributes[kept].value, value_length_limit);
    ++kept;
  }
  attributes.erase(attributes.begin() + kept, attributes.end());
  return dropped;
}

void reset(SpanRecord& record) noexcept {
  SpanData& data = record.data;
  record.attribute_count = 0;
  record.key_bits = 0;
  data.parent_span_id = SpanId{};
  data.parent_is_remote = false;
  data.events.clear();
  data.links.clear();
  data.status = StatusCode::unset;
  data.status_message.clear();
  data.dropped_attributes = 0;
  data.dropped_events = 0;
  data.dropped_links = 0;
}

void finish(SpanRecord& record) noexcept {
  Attributes& attributes = record.data.attributes;
  if (attributes.size() > record.attribute_count) {
    attributes.erase(attributes.begin() + static_cast<std::ptrdiff_t>(record.attribute_count),
                     attributes.end());
  }
}

}  // namespace telemetry::detail
