#include <gtest/gtest.h>

#include "telemetry/trace/id_generator.hpp"
#include "telemetry/trace/sampler.hpp"
#include "test_support.hpp"

namespace telemetry {
namespace {

SamplingDecision decide(const Sampler& sampler, const SpanContext& parent, const TraceId& id) {
  return sampler.should_sample(parent, id, "name", SpanKind::server, {});
}

TraceId trace_id_with_randomness(std::uint64_t randomness) {
  TraceId id;
  id.bytes[0] = 0xab;  // the upper bytes do not matter
  for (int i = 15; i >= 9; --i) {
    id.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(randomness & 0xff);
    randomness >>= 8;
  }
  return id;
}

TEST(Sampler, AlwaysOnAndAlwaysOffIgnoreTheParent) {
  const auto on = make_always_on_sampler();
  const auto off = make_always_off_sampler();
  const TraceId id = random_trace_id();
  for (const bool sampled : {true, false}) {
    EXPECT_EQ(decide(*on, test::remote_parent(sampled), id), SamplingDecision::record_and_sample);
    EXPECT_EQ(decide(*off, test::remote_parent(sampled), id), SamplingDecision::drop);
  }
  EXPECT_EQ(on->description(), "AlwaysOnSampler");
  EXPECT_EQ(off->description(), "AlwaysOffSampler");
}

TEST(Sampler, ParentBasedFollowsRemoteAndLocalParents) {
  for (const bool root_on : {true, false}) {
    const auto sampler =
        make_parent_based_sampler(root_on ? make_always_on_sampler() : make_always_off_sampler());
    const TraceId id = random_trace_id();
    SpanContext remote_sampled = test::remote_parent(true);
    SpanContext remote_unsampled = test::remote_parent(false);
    SpanContext local_sampled = remote_sampled;
    local_sampled.remote = false;
    SpanContext local_unsampled = remote_unsampled;
    local_unsampled.remote = false;
    EXPECT_EQ(decide(*sampler, remote_sampled, id), SamplingDecision::record_and_sample);
    EXPECT_EQ(decide(*sampler, remote_unsampled, id), SamplingDecision::drop);
    EXPECT_EQ(decide(*sampler, local_sampled, id), SamplingDecision::record_and_sample);
    EXPECT_EQ(decide(*sampler, local_unsampled, id), SamplingDecision::drop);
    // No parent: the root sampler decides.
    EXPECT_EQ(decide(*sampler, SpanContext{}, id),
              root_on ? SamplingDecision::record_and_sample : SamplingDecision::drop);
  }
}

TEST(Sampler, RatioUsesTheLowerSevenBytesAgainstTheThreshold) {
  const auto sampler = make_trace_id_ratio_sampler(0.25);
  const std::uint64_t threshold = ratio_threshold(0.25);
  EXPECT_EQ(threshold, (std::uint64_t{1} << 56) / 4 * 3);
  EXPECT_EQ(decide(*sampler, {}, trace_id_with_randomness(threshold)),
            SamplingDecision::record_and_sample);
  EXPECT_EQ(decide(*sampler, {}, trace_id_with_randomness(threshold - 1)), SamplingDecision::drop);
  EXPECT_EQ(decide(*sampler, {}, trace_id_with_randomness((std::uint64_t{1} << 56) - 1)),
            SamplingDecision::record_and_sample);
  EXPECT_EQ(decide(*sampler, {}, trace_id_with_randomness(0)), SamplingDecision::drop);
  EXPECT_EQ(sampler->description(), "TraceIdRatioBased{0.25}");
}

TEST(Sampler, RatioIsDeterministicAndMonotonic) {
  const auto low = make_trace_id_ratio_sampler(0.1);
  const auto high = make_trace_id_ratio_sampler(0.5);
  int sampled_low = 0;
  int sampled_high = 0;
  for (int i = 0; i < 20000; ++i) {
    const TraceId id = random_trace_id();
    const bool a = decide(*low, {}, id) == SamplingDecision::record_and_sample;
    EXPECT_EQ(a, decide(*low, {}, id) == SamplingDecision::record_and_sample);  // same id
    const bool b = decide(*high, {}, id) == SamplingDecision::record_and_sample;
    if (a) {
      EXPECT_TRUE(b) << "sampled at 0.1 but not at 0.5";
    }
    sampled_low += a;
    sampled_high += b;
  }
  // Binomial(20000, p): these bounds are more than 6 standard deviations wide.
  EXPECT_GT(sampled_low, 1740);
  EXPECT_LT(sampled_low, 2260);
  EXPECT_GT(sampled_high, 9570);
  EXPECT_LT(sampled_high, 10430);
}

TEST(Sampler, RatioEdges) {
  EXPECT_EQ(ratio_threshold(1.0), 0u);
  EXPECT_EQ(ratio_threshold(0.0), std::uint64_t{1} << 56);
  const auto never = make_trace_id_ratio_sampler(0.0);
  const auto always = make_trace_id_ratio_sampler(1.0);
  EXPECT_EQ(decide(*never, {}, trace_id_with_randomness((std::uint64_t{1} << 56) - 1)),
            SamplingDecision::drop);
  EXPECT_EQ(decide(*always, {}, trace_id_with_randomness(0)), SamplingDecision::record_and_sample);
}

TEST(Sampler, ParentBasedRatioSamplesRootsByTraceIdAndFollowsParents) {
  const auto sampler = make_sampler({SamplerKind::parentbased_traceidratio, 0.5});
  EXPECT_EQ(sampler->description(), "ParentBased{root=TraceIdRatioBased{0.5}}");
  const TraceId low = trace_id_with_randomness(1);
  EXPECT_EQ(decide(*sampler, {}, low), SamplingDecision::drop);
  EXPECT_EQ(decide(*sampler, test::remote_parent(true), low), SamplingDecision::record_and_sample);
}

TEST(Sampler, MakeSamplerCoversEveryKind) {
  EXPECT_EQ(make_sampler({SamplerKind::always_on, 1})->description(), "AlwaysOnSampler");
  EXPECT_EQ(make_sampler({SamplerKind::always_off, 1})->description(), "AlwaysOffSampler");
  EXPECT_EQ(make_sampler({SamplerKind::traceidratio, 0.5})->description(),
            "TraceIdRatioBased{0.5}");
  EXPECT_EQ(make_sampler({SamplerKind::parentbased_always_on, 1})->description(),
            "ParentBased{root=AlwaysOnSampler}");
  EXPECT_EQ(make_sampler({SamplerKind::parentbased_always_off, 1})->description(),
            "ParentBased{root=AlwaysOffSampler}");
}

// A sampler that keeps spans in process without exporting them.
class RecordOnly final : public Sampler {
 public:
  SamplingDecision should_sample(const SpanContext&, const TraceId&, std::string_view, SpanKind,
                                 const Attributes&) const noexcept override {
    return SamplingDecision::record_only;
  }
  std::string description() const override { return "RecordOnly"; }
};

TEST(Sampler, RecordOnlyRecordsWithoutTheSampledFlag) {
  test::RecordingSetup setup(std::make_unique<RecordOnly>());
  Span span = setup.tracer().start_span("kept-locally", SpanKind::server, SpanContext{});
  EXPECT_TRUE(span.is_recording());
  EXPECT_FALSE(span.context().sampled());
  span.end();
  const auto spans = setup.spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_FALSE(spans[0].context.sampled());
}

TEST(Sampler, TracerUsesTheConfiguredSamplerForRootsAndChildren) {
  // parentbased_always_off: roots are dropped, so their children are too.
  TracingConfig config;
  config.enabled = true;
  config.sampler.kind = SamplerKind::parentbased_always_off;
  auto recorded = std::make_shared<test::RecordingProcessor::Shared>();
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  processors.push_back(std::make_unique<test::RecordingProcessor>(recorded));
  auto provider = TracerProvider::create(config, Resource{}, std::move(processors));
  Span root = provider->tracer().start_span("root", SpanKind::server, SpanContext{});
  EXPECT_FALSE(root.context().sampled());
  Span child = root.start_child("child");
  EXPECT_FALSE(child.context().sampled());
  // A sampled remote parent is followed.
  Span remote =
      provider->tracer().start_span("remote", SpanKind::server, test::remote_parent(true));
  EXPECT_TRUE(remote.context().sampled());
  EXPECT_TRUE(remote.is_recording());
}

}  // namespace
}  // namespace telemetry
