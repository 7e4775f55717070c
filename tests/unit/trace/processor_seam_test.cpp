// The seam between the tracer and its processors: every processor sees the same ended
// span, shared and read-only (no processor copies it or spoils it for another), and a
// processor can ask for the spans the sampler did not sample without changing what is
// exported.

#include <gtest/gtest.h>

#include <type_traits>

#include "telemetry/trace/batch_span_processor.hpp"
#include "test_support.hpp"

namespace telemetry {
namespace {

using namespace std::chrono_literals;
using test::RecordingProcessor;

static_assert(std::is_same_v<decltype(*std::declval<const FinishedSpan&>()), const SpanData&>,
              "processors read a finished span; none can change it for the others");

struct TwoProcessors {
  std::shared_ptr<RecordingProcessor::Shared> first =
      std::make_shared<RecordingProcessor::Shared>();
  std::shared_ptr<RecordingProcessor::Shared> second =
      std::make_shared<RecordingProcessor::Shared>();
  std::unique_ptr<TracerProvider> provider;

  TwoProcessors(std::unique_ptr<Sampler> sampler, bool second_wants_unsampled,
                bool enabled = true) {
    first->keep_handles = true;
    second->keep_handles = true;
    TracingConfig config;
    config.enabled = enabled;
    std::vector<std::unique_ptr<SpanProcessor>> processors;
    processors.push_back(std::make_unique<RecordingProcessor>(first));
    processors.push_back(std::make_unique<RecordingProcessor>(second, second_wants_unsampled));
    provider = TracerProvider::create(std::move(config), Resource{}, std::move(processors),
                                      std::move(sampler));
  }
  Tracer& tracer() { return provider->tracer(); }
};

TEST(ProcessorSeam, TwoProcessorsShareOneSpanNotTwoCopies) {
  TwoProcessors setup(make_always_on_sampler(), false);
  {
    Span span = setup.tracer().start_span("GET /boards/{id}", SpanKind::server, SpanContext{});
    span.set_attribute("http.route", "/boards/{id}");
    span.add_event("loaded");
  }
  ASSERT_EQ(setup.first->handles.size(), 1u);
  ASSERT_EQ(setup.second->handles.size(), 1u);
  const FinishedSpan& seen_first = setup.first->handles[0];
  const FinishedSpan& seen_second = setup.second->handles[0];
  EXPECT_EQ(&*seen_first, &*seen_second) << "the same span object, not a copy";
  EXPECT_EQ(seen_first.holders(), 2u);  // the two processors; the tracer let go of it
  EXPECT_EQ(seen_second->name, "GET /boards/{id}");
  ASSERT_EQ(seen_second->attributes.size(), 1u);
  EXPECT_EQ(seen_second->attributes[0].key, "http.route");
  ASSERT_EQ(seen_second->events.size(), 1u);
  EXPECT_TRUE(seen_second->context.sampled());
  EXPECT_GT(seen_second->end_time, 0u);
}

TEST(ProcessorSeam, AKeptSpanStaysIntactWhileTheTracerGoesOnRecycling) {
  TwoProcessors setup(make_always_on_sampler(), false);
  {
    Span span = setup.tracer().start_span("kept", SpanKind::server, SpanContext{});
    span.set_attribute("which", "the kept one");
  }
  FinishedSpan kept = setup.first->handles[0];
  setup.first->handles.clear();
  setup.second->handles.clear();
  setup.first->keep_handles = false;
  setup.second->keep_handles = false;
  EXPECT_EQ(kept.holders(), 1u);
  // Spans ended now reuse pooled records: none may reuse the one still held.
  for (int i = 0; i < 500; ++i) {
    Span span =
        setup.tracer().start_span("later" + std::to_string(i), SpanKind::internal, SpanContext{});
    span.set_attribute("which", "a later one");
  }
  EXPECT_EQ(kept->name, "kept");
  ASSERT_EQ(kept->attributes.size(), 1u);
  EXPECT_EQ(std::get<std::string>(kept->attributes[0].value), "the kept one");
}

TEST(ProcessorSeam, AProcessorThatAsksGetsUnsampledSpansTooAndExportIsUnchanged) {
  auto control = std::make_shared<test::ExporterControl>();
  auto view = std::make_shared<RecordingProcessor::Shared>();
  TracingConfig config;
  config.enabled = true;
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  processors.push_back(std::make_unique<BatchSpanProcessor>(
      std::make_unique<test::ControlledExporter>(control), BatchConfig{}));
  processors.push_back(std::make_unique<RecordingProcessor>(view, true));
  // The default sampler: parentbased_always_on.
  auto provider = TracerProvider::create(std::move(config), Resource{}, std::move(processors),
                                         make_sampler(SamplerConfig{}));
  EXPECT_TRUE(provider->tracer().records_unsampled());
  {
    // The caller said "not sampled": the sampler drops it, the view still records it.
    Span unsampled =
        provider->tracer().start_span("unsampled", SpanKind::server, test::remote_parent(false));
    EXPECT_TRUE(unsampled.is_recording());
    EXPECT_FALSE(unsampled.context().sampled()) << "downstream still hears the sampler";
    Span child = unsampled.start_child("unsampled child");
    Span sampled =
        provider->tracer().start_span("sampled", SpanKind::server, test::remote_parent(true));
  }
  ASSERT_TRUE(provider->force_flush(std::chrono::steady_clock::now() + 30s));
  std::vector<std::string> seen;
  for (const SpanData& span : view->spans)
    seen.push_back(span.name + (span.context.sampled() ? "+" : "-"));
  EXPECT_EQ(seen, (std::vector<std::string>{"sampled+", "unsampled child-", "unsampled-"}));
  EXPECT_EQ(control->names, std::vector<std::string>{"sampled"});
  EXPECT_EQ(provider->stats()[0].queued, 1u);
}

TEST(ProcessorSeam, NobodyAsksNothingUnsampledIsRecorded) {
  TwoProcessors setup(make_always_off_sampler(), false);
  EXPECT_FALSE(setup.tracer().records_unsampled());
  {
    Span span = setup.tracer().start_span("dropped", SpanKind::server, SpanContext{});
    EXPECT_FALSE(span.is_recording());
  }
  EXPECT_TRUE(setup.first->spans.empty());
  EXPECT_TRUE(setup.second->spans.empty());
}

TEST(ProcessorSeam, AskingForUnsampledSpansDoesNotTurnTracingOn) {
  TwoProcessors setup(make_always_on_sampler(), true, /*enabled=*/false);
  {
    Span span = setup.tracer().start_span("off", SpanKind::server, SpanContext{});
    EXPECT_FALSE(span.is_recording());
  }
  EXPECT_TRUE(setup.second->spans.empty());
}

}  // namespace
}  // namespace telemetry
