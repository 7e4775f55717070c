#pragma once
// Test doubles for the tracing SDK: a processor that keeps what it is given, an
// exporter whose export blocks until the test releases it, and an environment map.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "telemetry/trace/exporter.hpp"
#include "telemetry/trace/processor.hpp"
#include "telemetry/trace/resource.hpp"
#include "telemetry/trace/tracer.hpp"

namespace telemetry::test {

// Keeps every span it receives (sampled or not), synchronously: a copy of each, and,
// when asked, the shared span itself (which keeps its record from the pool).
class RecordingProcessor final : public SpanProcessor {
 public:
  struct Shared {
    std::mutex mutex;
    std::vector<SpanData> spans;
    bool keep_handles = false;
    std::vector<FinishedSpan> handles;
    int flushes = 0;
    int shutdowns = 0;
  };
  explicit RecordingProcessor(std::shared_ptr<Shared> shared, bool wants_unsampled = false)
      : shared_(std::move(shared)), wants_unsampled_(wants_unsampled) {}
  void on_end(FinishedSpan span) noexcept override {
    std::lock_guard lock(shared_->mutex);
    shared_->spans.push_back(*span);
    if (shared_->keep_handles) shared_->handles.push_back(std::move(span));
  }
  bool wants_unsampled_spans() const noexcept override { return wants_unsampled_; }
  bool force_flush(std::chrono::steady_clock::time_point) noexcept override {
    std::lock_guard lock(shared_->mutex);
    ++shared_->flushes;
    return true;
  }
  bool shutdown(std::chrono::steady_clock::time_point) noexcept override {
    std::lock_guard lock(shared_->mutex);
    ++shared_->shutdowns;
    return true;
  }

 private:
  std::shared_ptr<Shared> shared_;
  bool wants_unsampled_;
};

// A gate the test opens; export calls wait on it (ignoring their deadline when told
// to, like a hung network call).
struct ExporterControl {
  std::mutex mutex;
  std::condition_variable changed;
  bool gate_open = true;
  bool ignore_deadline = false;
  int exports_entered = 0;
  std::vector<std::size_t> batch_sizes;
  std::vector<std::string> names;  // names of the exported spans not staged, in order
  bool stage = false;              // stage() writes "staged:" + name
  bool read_first = false;         // export_releasing reads the batch, says so, then waits
  std::atomic<int> stage_calls{0};
  std::vector<std::string> staged;  // the staged bytes of each exported span, in order
  int flushes = 0;
  int shutdowns = 0;
  ExportResult result;

  void open_gate() {
    std::lock_guard lock(mutex);
    gate_open = true;
    changed.notify_all();
  }
  void wait_for_exports_entered(int count) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return exports_entered >= count; });
  }
  std::size_t exported_count() {
    std::lock_guard lock(mutex);
    return names.size();
  }
};

class ControlledExporter final : public SpanExporter {
 public:
  explicit ControlledExporter(std::shared_ptr<ExporterControl> control)
      : control_(std::move(control)) {}
  ExportResult export_spans(SpanBatch batch,
                            std::chrono::steady_clock::time_point deadline) noexcept override {
    std::unique_lock lock(control_->mutex);
    ++control_->exports_entered;
    control_->changed.notify_all();
    if (control_->ignore_deadline) {
      control_->changed.wait(lock, [&] { return control_->gate_open; });
    } else if (!control_->changed.wait_until(lock, deadline, [&] { return control_->gate_open; })) {
      return {ExportResult::Code::failure, 0, "deadline"};
    }
    control_->batch_sizes.push_back(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // A staged span arrives as its bytes alone: there is no span to read.
      if (!batch.staged(i).empty()) {
        control_->staged.emplace_back(batch.staged(i));
      } else {
        control_->names.push_back(batch[i].name);
      }
    }
    return control_->result;
  }
  // As an exporter that encodes first: with read_first, the batch is read and let go
  // before the gate is waited for.
  ExportResult export_releasing(SpanBatch batch, std::chrono::steady_clock::time_point deadline,
                                const std::function<void()>& batch_read) noexcept override {
    if (!control_->read_first) return SpanExporter::export_releasing(batch, deadline, batch_read);
    std::unique_lock lock(control_->mutex);
    control_->batch_sizes.push_back(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) control_->names.push_back(batch[i].name);
    batch_read();
    ++control_->exports_entered;
    control_->changed.notify_all();
    control_->changed.wait(lock, [&] { return control_->gate_open; });
    return control_->result;
  }
  bool stage(const SpanData& span, std::string& staged) const noexcept override {
    control_->stage_calls.fetch_add(1);
    if (!control_->stage) return false;
    staged += "staged:" + span.name;
    return true;
  }
  bool force_flush(std::chrono::steady_clock::time_point) noexcept override {
    std::lock_guard lock(control_->mutex);
    ++control_->flushes;
    return true;
  }
  void shutdown(std::chrono::steady_clock::time_point) noexcept override {
    std::lock_guard lock(control_->mutex);
    ++control_->shutdowns;
  }
  std::string describe() const override { return "controlled"; }

 private:
  std::shared_ptr<ExporterControl> control_;
};

// A getenv over a map, for from_env tests.
inline EnvLookup env_of(std::map<std::string, std::string> values) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

// A provider with tracing enabled, the given sampler (always_on by default) and a
// recording processor.
struct RecordingSetup {
  std::shared_ptr<RecordingProcessor::Shared> recorded =
      std::make_shared<RecordingProcessor::Shared>();
  std::unique_ptr<TracerProvider> provider;

  explicit RecordingSetup(std::unique_ptr<Sampler> sampler = make_always_on_sampler(),
                          SpanLimits limits = {}, bool enabled = true,
                          bool entry_spans_only = false) {
    TracingConfig config;
    config.enabled = enabled;
    config.limits = limits;
    config.entry_spans_only = entry_spans_only;
    std::vector<std::unique_ptr<SpanProcessor>> processors;
    processors.push_back(std::make_unique<RecordingProcessor>(recorded));
    provider = TracerProvider::create(std::move(config), Resource{}, std::move(processors),
                                      std::move(sampler));
  }
  Tracer& tracer() { return provider->tracer(); }
  std::vector<SpanData> spans() {
    std::lock_guard lock(recorded->mutex);
    return recorded->spans;
  }
};

inline SpanContext remote_parent(bool sampled) {
  SpanContext parent;
  parent.trace_id = *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  parent.span_id = *SpanId::from_hex("00f067aa0ba902b7");
  parent.flags = sampled ? kFlagSampled : 0;
  parent.remote = true;
  return parent;
}

}  // namespace telemetry::test
