#include <gtest/gtest.h>

#include "telemetry/trace/config.hpp"
#include "telemetry/trace/resource.hpp"
#include "test_support.hpp"

namespace telemetry {
namespace {

using test::env_of;

bool mentions(const std::vector<std::string>& warnings, std::string_view text) {
  for (const auto& warning : warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(TracingConfig, NothingSetMeansTracingOffWithSpecDefaults) {
  const TracingConfig config = TracingConfig::from_env(env_of({}));
  EXPECT_FALSE(config.enabled);
  EXPECT_FALSE(config.sdk_disabled);
  EXPECT_TRUE(config.exporters.empty());
  EXPECT_EQ(config.sampler.kind, SamplerKind::parentbased_always_on);
  EXPECT_EQ(config.batch.schedule_delay, std::chrono::milliseconds(5000));
  EXPECT_EQ(config.batch.export_timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(config.batch.max_queue_size, 2048u);
  EXPECT_EQ(config.batch.max_export_batch_size, 512u);
  EXPECT_EQ(config.limits.attribute_count, 128u);
  EXPECT_EQ(config.limits.attribute_value_length, SpanLimits::kNoLimit);
  EXPECT_EQ(config.limits.event_count, 128u);
  EXPECT_EQ(config.limits.link_count, 128u);
  EXPECT_EQ(config.limits.event_attribute_count, 128u);
  EXPECT_EQ(config.limits.link_attribute_count, 128u);
  EXPECT_TRUE(config.warnings.empty());
}

TEST(TracingConfig, AnEndpointTurnsTracingOnWithOtlp) {
  for (const char* name : {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"}) {
    const TracingConfig config = TracingConfig::from_env(env_of({{name, "http://alloy:4317"}}));
    EXPECT_TRUE(config.enabled) << name;
    EXPECT_EQ(config.exporters, std::vector<ExporterKind>{ExporterKind::otlp}) << name;
  }
  // An empty value counts as unset.
  EXPECT_FALSE(TracingConfig::from_env(env_of({{"OTEL_EXPORTER_OTLP_ENDPOINT", ""}})).enabled);
}

TEST(TracingConfig, TracesExporterNamesExporters) {
  auto config = TracingConfig::from_env(env_of({{"OTEL_TRACES_EXPORTER", "console"}}));
  EXPECT_TRUE(config.enabled);
  EXPECT_EQ(config.exporters, std::vector<ExporterKind>{ExporterKind::console});

  config = TracingConfig::from_env(env_of({{"OTEL_TRACES_EXPORTER", "otlp, Console"}}));
  EXPECT_EQ(config.exporters,
            (std::vector<ExporterKind>{ExporterKind::otlp, ExporterKind::console}));

  config = TracingConfig::from_env(
      env_of({{"OTEL_TRACES_EXPORTER", "none"}, {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://x"}}));
  EXPECT_TRUE(config.enabled);  // recorded, exported nowhere
  EXPECT_TRUE(config.exporters.empty());

  config = TracingConfig::from_env(env_of({{"OTEL_TRACES_EXPORTER", "zipkin"}}));
  EXPECT_FALSE(config.enabled);
  EXPECT_TRUE(mentions(config.warnings, "zipkin"));
}

TEST(TracingConfig, SdkDisabledTurnsEverythingOff) {
  auto config = TracingConfig::from_env(env_of(
      {{"OTEL_SDK_DISABLED", "TRUE"}, {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://alloy:4317"}}));
  EXPECT_TRUE(config.sdk_disabled);
  EXPECT_FALSE(config.enabled);
  EXPECT_TRUE(config.exporters.empty());

  config = TracingConfig::from_env(env_of(
      {{"OTEL_SDK_DISABLED", "false"}, {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://alloy:4317"}}));
  EXPECT_FALSE(config.sdk_disabled);
  EXPECT_TRUE(config.enabled);

  config = TracingConfig::from_env(env_of({{"OTEL_SDK_DISABLED", "yes"}}));
  EXPECT_FALSE(config.sdk_disabled);
  EXPECT_TRUE(mentions(config.warnings, "OTEL_SDK_DISABLED"));
}

TEST(TracingConfig, SamplerNamesAndArguments) {
  const std::pair<const char*, SamplerKind> cases[] = {
      {"always_on", SamplerKind::always_on},
      {"always_off", SamplerKind::always_off},
      {"traceidratio", SamplerKind::traceidratio},
      {"parentbased_always_on", SamplerKind::parentbased_always_on},
      {"parentbased_always_off", SamplerKind::parentbased_always_off},
      {"ParentBased_TraceIdRatio", SamplerKind::parentbased_traceidratio},
  };
  for (const auto& [name, kind] : cases) {
    const auto config = TracingConfig::from_env(env_of({{"OTEL_TRACES_SAMPLER", name}}));
    EXPECT_EQ(config.sampler.kind, kind) << name;
    EXPECT_TRUE(config.warnings.empty()) << name;
  }
  auto config = TracingConfig::from_env(
      env_of({{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "0.25"}}));
  EXPECT_DOUBLE_EQ(config.sampler.ratio, 0.25);

  config = TracingConfig::from_env(env_of({{"OTEL_TRACES_SAMPLER", "traceidratio"}}));
  EXPECT_DOUBLE_EQ(config.sampler.ratio, 1.0);

  config = TracingConfig::from_env(env_of({{"OTEL_TRACES_SAMPLER", "jaeger_remote"}}));
  EXPECT_EQ(config.sampler.kind, SamplerKind::parentbased_always_on);
  EXPECT_TRUE(mentions(config.warnings, "jaeger_remote"));
}

TEST(TracingConfig, InvalidRatioFallsBackToOneWithAWarning) {
  for (const char* arg : {"abc", "1.5", "-0.1", "0.5x", "nan"}) {
    const auto config = TracingConfig::from_env(env_of(
        {{"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", arg}}));
    EXPECT_DOUBLE_EQ(config.sampler.ratio, 1.0) << arg;
    EXPECT_TRUE(mentions(config.warnings, "OTEL_TRACES_SAMPLER_ARG")) << arg;
  }
}

TEST(TracingConfig, BatchVariables) {
  auto config = TracingConfig::from_env(env_of({{"OTEL_BSP_SCHEDULE_DELAY", "200"},
                                                {"OTEL_BSP_EXPORT_TIMEOUT", "1000"},
                                                {"OTEL_BSP_MAX_QUEUE_SIZE", "100"},
                                                {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10"}}));
  EXPECT_EQ(config.batch.schedule_delay, std::chrono::milliseconds(200));
  EXPECT_EQ(config.batch.export_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(config.batch.max_queue_size, 100u);
  EXPECT_EQ(config.batch.max_export_batch_size, 10u);
  EXPECT_TRUE(config.warnings.empty());

  config = TracingConfig::from_env(
      env_of({{"OTEL_BSP_MAX_QUEUE_SIZE", "100"}, {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "500"}}));
  EXPECT_EQ(config.batch.max_export_batch_size, 100u);
  EXPECT_TRUE(mentions(config.warnings, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"));

  config = TracingConfig::from_env(
      env_of({{"OTEL_BSP_SCHEDULE_DELAY", "-5"}, {"OTEL_BSP_MAX_QUEUE_SIZE", "0"}}));
  EXPECT_EQ(config.batch.schedule_delay, std::chrono::milliseconds(5000));
  EXPECT_EQ(config.batch.max_queue_size, 2048u);
  EXPECT_TRUE(mentions(config.warnings, "OTEL_BSP_SCHEDULE_DELAY"));
  EXPECT_TRUE(mentions(config.warnings, "OTEL_BSP_MAX_QUEUE_SIZE"));
}

TEST(TracingConfig, SpanSpecificLimitsWinOverGeneralOnes) {
  const auto config = TracingConfig::from_env(env_of({{"OTEL_ATTRIBUTE_COUNT_LIMIT", "10"},
                                                      {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "20"},
                                                      {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "64"},
                                                      {"OTEL_SPAN_EVENT_COUNT_LIMIT", "3"},
                                                      {"OTEL_SPAN_LINK_COUNT_LIMIT", "4"},
                                                      {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "5"}}));
  EXPECT_EQ(config.limits.attribute_count, 20u);
  EXPECT_EQ(config.limits.attribute_value_length, 64u);
  EXPECT_EQ(config.limits.event_count, 3u);
  EXPECT_EQ(config.limits.link_count, 4u);
  EXPECT_EQ(config.limits.event_attribute_count, 10u);  // the general limit
  EXPECT_EQ(config.limits.link_attribute_count, 5u);

  const auto both = TracingConfig::from_env(env_of({{"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "8"},
                                                    {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "64"}}));
  EXPECT_EQ(both.limits.attribute_value_length, 8u);
  const auto bad = TracingConfig::from_env(env_of({{"OTEL_SPAN_EVENT_COUNT_LIMIT", "many"}}));
  EXPECT_EQ(bad.limits.event_count, 128u);
  EXPECT_TRUE(mentions(bad.warnings, "OTEL_SPAN_EVENT_COUNT_LIMIT"));
}

TEST(Resource, DefaultsDescribeTheServiceAndTheSdk) {
  std::vector<std::string> warnings;
  const Resource resource = Resource::from_env(env_of({}), warnings);
  EXPECT_EQ(resource.get_string("service.name"), "realtime-board-api");
  EXPECT_FALSE(resource.get_string("service.version").empty());
  EXPECT_EQ(resource.get_string("telemetry.sdk.language"), "cpp");
  EXPECT_EQ(resource.get_string("telemetry.sdk.name"), "realtime-board-telemetry");
  EXPECT_EQ(resource.get_string("telemetry.sdk.version"), sdk_version());
  const std::string_view instance = resource.get_string("service.instance.id");
  ASSERT_EQ(instance.size(), 36u);
  EXPECT_EQ(instance[14], '4');  // a version-4 UUID
  EXPECT_TRUE(warnings.empty());
  // Another process (here: another call) gets another instance id.
  EXPECT_NE(Resource::from_env(env_of({}), warnings).get_string("service.instance.id"), instance);
}

TEST(Resource, AttributesFromEnvAreDecodedAndServiceNameWins) {
  std::vector<std::string> warnings;
  const Resource resource =
      Resource::from_env(env_of({{"OTEL_RESOURCE_ATTRIBUTES",
                                  " deployment.environment = staging , service.name=from-list,"
                                  "team=board%20team%2C%20west,odd=a%3Db"},
                                 {"OTEL_SERVICE_NAME", "board-api-canary"}}),
                         warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(resource.get_string("deployment.environment"), "staging");
  EXPECT_EQ(resource.get_string("team"), "board team, west");
  EXPECT_EQ(resource.get_string("odd"), "a=b");
  EXPECT_EQ(resource.get_string("service.name"), "board-api-canary");

  const Resource from_list = Resource::from_env(
      env_of({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-list"}}), warnings);
  EXPECT_EQ(from_list.get_string("service.name"), "from-list");
}

TEST(Resource, MalformedAttributesAreDiscardedWhole) {
  for (const char* text : {"good=1,broken", "good=1,bad=%zz", "good=1,bad=%4", "=novalue"}) {
    std::vector<std::string> warnings;
    const Resource resource =
        Resource::from_env(env_of({{"OTEL_RESOURCE_ATTRIBUTES", text}}), warnings);
    EXPECT_EQ(resource.find("good"), nullptr) << text;
    EXPECT_TRUE(mentions(warnings, "OTEL_RESOURCE_ATTRIBUTES")) << text;
    EXPECT_EQ(resource.get_string("service.name"), "realtime-board-api");
  }
}

}  // namespace
}  // namespace telemetry
