#include "telemetry/trace/tracer.hpp"

#include <algorithm>

#include "telemetry/trace/finished_span.hpp"
#include "telemetry/trace/id_generator.hpp"
#include "telemetry/trace/span_record.hpp"
#include "telemetry/trace/span_record_pool.hpp"

namespace telemetry {

Tracer::Tracer(bool enabled, bool entry_spans_only, SpanLimits limits,
               std::unique_ptr<Sampler> sampler,
               const std::vector<std::unique_ptr<SpanProcessor>>& processors)
    : enabled_(enabled),
      entry_spans_only_(entry_spans_only),
      record_unsampled_(std::any_of(processors.begin(), processors.end(),
                                    [](const auto& p) { return p->wants_unsampled_spans(); })),
      limits_(limits),
      sampler_(std::move(sampler)),
      processors_(processors) {}

Span Tracer::start_span(std::string_view name, SpanKind kind, const SpanContext& parent,
                        Attributes initial) noexcept {
  SpanContext context;
  const bool parent_valid = parent.valid();
  if (entry_spans_only_ && parent_valid && !parent.remote && kind != SpanKind::server &&
      kind != SpanKind::consumer) {
    // Not an entry span: it stands for its parent, ids and all (see TracingConfig).
    context.trace_id = parent.trace_id;
    context.span_id = parent.span_id;
    context.flags = parent.flags;
    try {
      context.trace_state = parent.trace_state;
    } catch (...) {
    }
    return Span(this, std::move(context), nullptr);
  }
  if (parent.trace_id.valid()) {
    context.trace_id = parent.trace_id;
    // Only the parent's word says whether an id it gave us is random.
    if (parent_valid) context.flags = parent.flags & kFlagRandomTraceId;
    if (!parent.trace_state.empty()) {
      try {
        context.trace_state = parent.trace_state;
      } catch (...) {
      }
    }
  } else {
    context.trace_id = random_trace_id();
    context.flags = kFlagRandomTraceId;
  }
  context.span_id = random_span_id();

  SamplingDecision decision = SamplingDecision::drop;
  if (enabled_) {
    decision = sampler_->should_sample(parent, context.trace_id, name, kind, initial);
  } else if (parent_valid && parent.sampled()) {
    // Tracing off: record nothing, but pass the upstream decision on unchanged, as a
    // service without an SDK would.
    context.flags |= kFlagSampled;
  }
  if (decision == SamplingDecision::record_and_sample) context.flags |= kFlagSampled;
  // A processor that shows recent traces in process records what export leaves out.
  if (decision == SamplingDecision::drop && enabled_ && record_unsampled_) {
    decision = SamplingDecision::record_only;
  }
  if (decision == SamplingDecision::drop) return Span(this, std::move(context), nullptr);

  detail::SpanRecord* record = nullptr;
  try {
    record = detail::acquire_span_record();
    detail::reset(*record);
    SpanData& data = record->data;
    data.context.trace_id = context.trace_id;
    data.context.span_id = context.span_id;
    data.context.flags = context.flags;
    data.context.trace_state.assign(context.trace_state);
    data.context.remote = false;
    if (parent_valid) {
      data.parent_span_id = parent.span_id;
      data.parent_is_remote = parent.remote;
    }
    data.name.assign(name.data(), name.size());
    data.kind = kind;
    record->start_steady = std::chrono::steady_clock::now();
    data.start_time = detail::wall_time_at(record->start_steady);
    data.end_time = 0;
    for (auto& attribute : initial) {
      detail::set_attribute(*record, limits_, attribute.key, std::move(attribute.value));
    }
  } catch (...) {
    // Out of memory: the span still has its ids, it just records nothing.
    if (record != nullptr) detail::release_span_record(record);
    record = nullptr;
  }
  return Span(this, std::move(context), record);
}

void Tracer::end_span(detail::SpanRecord* record) noexcept {
  record->data.end_time = detail::now_for(*record);
  detail::finish(*record);
  // One span for all processors: each reads it, or keeps its handle on it. The last
  // processor gets the tracer's own handle, so with one processor no count changes.
  // When the last handle goes, the record returns to the pool.
  FinishedSpan span(record);
  const std::size_t count = processors_.size();
  for (std::size_t i = 0; i + 1 < count; ++i) processors_[i]->on_end(span);
  if (count > 0) processors_[count - 1]->on_end(std::move(span));
}

// --- TracerProvider ---

std::unique_ptr<TracerProvider> TracerProvider::create(
    TracingConfig config, Resource resource, std::vector<std::unique_ptr<SpanProcessor>> processors,
    std::unique_ptr<Sampler> sampler) {
  return std::unique_ptr<TracerProvider>(new TracerProvider(
      std::move(config), std::move(resource), std::move(processors), std::move(sampler)));
}

TracerProvider::TracerProvider(TracingConfig config, Resource resource,
                               std::vector<std::unique_ptr<SpanProcessor>> processors,
                               std::unique_ptr<Sampler> sampler)
    : config_(std::move(config)),
      resource_(std::move(resource)),
      processors_(std::move(processors)) {
  processors_.erase(std::remove(processors_.begin(), processors_.end(), nullptr),
                    processors_.end());
  if (!sampler) sampler = make_sampler(config_.sampler);
  const bool enabled = config_.enabled && !config_.sdk_disabled;
  tracer_.reset(new Tracer(enabled, config_.entry_spans_only, config_.limits, std::move(sampler),
                           processors_));
}

TracerProvider::~TracerProvider() {
  const auto budget = std::min<std::chrono::steady_clock::duration>(config_.batch.export_timeout,
                                                                    std::chrono::seconds(5));
  shutdown(std::chrono::steady_clock::now() + budget);
}

bool TracerProvider::force_flush(std::chrono::steady_clock::time_point deadline) noexcept {
  bool ok = true;
  for (auto& processor : processors_) ok = processor->force_flush(deadline) && ok;
  return ok;
}

bool TracerProvider::shutdown(std::chrono::steady_clock::time_point deadline) noexcept {
  std::lock_guard lock(shutdown_mutex_);
  if (shut_down_) return true;
  shut_down_ = true;
  bool ok = true;
  for (auto& processor : processors_) ok = processor->shutdown(deadline) && ok;
  return ok;
}

std::vector<ProcessorStats> TracerProvider::stats() const {
  std::vector<ProcessorStats> out;
  for (const auto& processor : processors_) processor->append_stats(out);
  return out;
}

}  // namespace telemetry
