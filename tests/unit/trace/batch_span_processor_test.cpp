#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "telemetry/trace/batch_span_processor.hpp"
#include "test_support.hpp"

namespace telemetry {
namespace {

using namespace std::chrono_literals;
using test::ControlledExporter;
using test::ExporterControl;
using SteadyClock = std::chrono::steady_clock;

FinishedSpan sampled_span(std::string name) {
  SpanData span;
  span.name = std::move(name);
  span.context.flags = kFlagSampled;
  return FinishedSpan::from(std::move(span));
}

BatchConfig config_of(std::size_t queue, std::size_t batch,
                      std::chrono::milliseconds delay = std::chrono::hours(1)) {
  BatchConfig config;
  config.max_queue_size = queue;
  config.max_export_batch_size = batch;
  config.schedule_delay = delay;
  config.export_timeout = 60s;
  return config;
}

struct Warnings {
  std::mutex mutex;
  std::vector<std::string> lines;
  BatchSpanProcessor::WarningSink sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
  bool any(std::string_view text) {
    std::lock_guard lock(mutex);
    for (const auto& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

// Tracing on, every span sampled, one batch processor exporting to `control`.
std::unique_ptr<TracerProvider> provider_exporting_to(std::shared_ptr<ExporterControl> control,
                                                      BatchConfig batch) {
  TracingConfig config;
  config.enabled = true;
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  processors.push_back(std::make_unique<BatchSpanProcessor>(
      std::make_unique<ControlledExporter>(std::move(control)), batch));
  return TracerProvider::create(config, Resource{}, std::move(processors));
}

void push(BatchSpanProcessor& processor, std::string_view prefix, int count, int first = 0) {
  for (int i = first; i < first + count; ++i) {
    processor.on_end(sampled_span(std::string(prefix) + std::to_string(i)));
  }
}

// `threads` threads at once, each ending `count` spans named "t<thread>-<i>".
void push_from_threads(BatchSpanProcessor& processor, int threads, int count) {
  std::vector<std::thread> pushers;
  for (int t = 0; t < threads; ++t) {
    pushers.emplace_back([&, t] { push(processor, "t" + std::to_string(t) + "-", count); });
  }
  for (auto& pusher : pushers) pusher.join();
}

TEST(BatchSpanProcessor, DropsAndCountsExactlyWhenTheQueueIsFull) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  Warnings warnings;
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(8, 4),
                               warnings.sink());
  push(processor, "a", 4);  // a full batch: the export thread takes it and blocks
  control->wait_for_exports_entered(1);
  push(processor, "b", 10);  // 4 fit (4 in flight + 4 queued = 8), 6 are dropped
  ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.dropped, 6u);
  EXPECT_EQ(stats.queued, 8u);
  EXPECT_EQ(stats.queue_size, 8u);
  EXPECT_EQ(stats.queue_capacity, 8u);

  control->open_gate();
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  stats = processor.stats();
  EXPECT_EQ(stats.exported, 8u);
  EXPECT_EQ(stats.dropped, 6u);
  EXPECT_EQ(stats.queue_size, 0u);
  EXPECT_TRUE(stats.last_export_ok);
  EXPECT_GT(stats.last_export_time, 0u);
  std::vector<std::string> names = control->names;
  std::sort(names.begin(), names.end());  // lanes may reorder
  EXPECT_EQ(names, (std::vector<std::string>{"a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3"}));
  EXPECT_TRUE(warnings.any("dropping spans")) << "a drop is never silent";
}

TEST(BatchSpanProcessor, ABatchTheExporterHasReadNoLongerTakesQueueRoom) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  control->read_first = true;  // as the OTLP exporter: encoded, then on the network
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(8, 4));
  push(processor, "a", 4);  // a full batch: read, then the "network" blocks
  control->wait_for_exports_entered(1);
  push(processor, "b", 10);  // the whole queue is free again: 8 fit, 2 are dropped
  ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.dropped, 2u);
  EXPECT_EQ(stats.queued, 12u);

  control->open_gate();
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  EXPECT_EQ(processor.stats().exported, 12u);
  EXPECT_EQ(control->exported_count(), 12u);
}

TEST(BatchSpanProcessor, ThreadsEndingSpansGiveWayOnlyWhileHalfTheQueueWaits) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(256, 8));
  push(processor, "a", 8);  // a full batch: the export thread takes it and blocks
  control->wait_for_exports_entered(1);
  // 248 more wait: from 128 waiting on (half the queue), every 32nd gives way: at 128,
  // 160, 192 and 224. The queue is then full, and the 8 refused spans do not yield.
  push(processor, "b", 256);
  ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.yields, 4u);
  EXPECT_EQ(stats.dropped, 8u);
  control->open_gate();
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  EXPECT_EQ(processor.stats().exported, 256u);
}

TEST(BatchSpanProcessor, NoThreadGivesWayWhileTheExportThreadKeepsUp) {
  auto control = std::make_shared<ExporterControl>();
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(256, 8));
  for (int round = 0; round < 40; ++round) {
    push(processor, "r" + std::to_string(round) + "-", 10);
    ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  }
  const ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.exported, 400u);
  EXPECT_EQ(stats.yields, 0u);
}

TEST(BatchSpanProcessor, ExportsAsSoonAsAFullBatchIsQueued) {
  auto control = std::make_shared<ExporterControl>();
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(64, 5));
  push(processor, "s", 5);  // the timer is an hour away: only the full batch can trigger
  {
    std::unique_lock lock(control->mutex);
    ASSERT_TRUE(control->changed.wait_for(lock, 30s, [&] { return control->names.size() == 5; }));
    EXPECT_EQ(control->batch_sizes, std::vector<std::size_t>{5});
  }
}

TEST(BatchSpanProcessor, FullBatchesGoOutWholeAndTheRestWaitsForTheTimerOrAFlush) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(64, 5));
  push(processor, "a", 5);
  control->wait_for_exports_entered(1);
  push(processor, "b", 7);  // queued while the first batch is out
  control->open_gate();
  {
    std::unique_lock lock(control->mutex);
    ASSERT_TRUE(control->changed.wait_for(lock, 30s, [&] { return control->names.size() == 10; }));
    // Not a full batch and a tail of 2: the 2 wait (the timer is an hour away).
    EXPECT_FALSE(
        control->changed.wait_for(lock, 300ms, [&] { return control->names.size() > 10; }));
    EXPECT_EQ(control->batch_sizes, (std::vector<std::size_t>{5, 5}));
  }
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  EXPECT_EQ(control->batch_sizes, (std::vector<std::size_t>{5, 5, 2}));
  std::vector<std::string> names = control->names;
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2", "b3",
                                             "b4", "b5", "b6"}));
}

TEST(BatchSpanProcessor, ExportsOnTheTimerWhenNoBatchFills) {
  auto control = std::make_shared<ExporterControl>();
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control),
                               config_of(64, 50, 20ms));
  push(processor, "s", 3);
  std::unique_lock lock(control->mutex);
  ASSERT_TRUE(control->changed.wait_for(lock, 30s, [&] { return !control->names.empty(); }));
  EXPECT_EQ(control->names, (std::vector<std::string>{"s0", "s1", "s2"}));
}

TEST(BatchSpanProcessor, ForceFlushExportsEverythingQueuedInBoundedBatches) {
  auto control = std::make_shared<ExporterControl>();
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(2048, 512));
  push(processor, "s", 1000);
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  ASSERT_EQ(control->exported_count(), 1000u);
  // Every span once; not necessarily in order (a full lane overflows into the next).
  std::vector<std::string> names = control->names, expected;
  for (int i = 0; i < 1000; ++i) expected.push_back("s" + std::to_string(i));
  std::sort(names.begin(), names.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected);
  for (const std::size_t size : control->batch_sizes) EXPECT_LE(size, 512u);
  EXPECT_EQ(control->flushes, 1);
  EXPECT_EQ(processor.stats().exported, 1000u);
}

TEST(BatchSpanProcessor, BatchesNeverExceedTheMaximumIncludingAtShutdown) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(10000, 7));
  push(processor, "first", 7);
  control->wait_for_exports_entered(1);  // the export thread is busy with these 7
  push(processor, "queued", 50);

  bool shutdown_ok = false;
  std::thread stopper([&] { shutdown_ok = processor.shutdown(SteadyClock::now() + 30s); });
  // Once shutdown has begun, spans are refused: keep ending spans until one is.
  int probes = 0;
  while (processor.stats().dropped == 0) {
    processor.on_end(sampled_span("probe"));
    ++probes;
    std::this_thread::yield();
  }
  control->open_gate();  // everything after the first 7 is exported by the shutdown
  stopper.join();
  EXPECT_TRUE(shutdown_ok);
  const ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.exported + stats.dropped, 57u + static_cast<std::uint64_t>(probes));
  EXPECT_EQ(stats.dropped, 1u);
  EXPECT_EQ(control->exported_count(), stats.exported);
  ASSERT_GE(control->batch_sizes.size(), 9u);  // 57 spans need at least 9 batches of 7
  for (const std::size_t size : control->batch_sizes) EXPECT_LE(size, 7u);
  EXPECT_EQ(control->shutdowns, 1);
}

TEST(BatchSpanProcessor, ShutdownReturnsByItsDeadlineWhenTheExporterHangs) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  control->ignore_deadline = true;  // a network call that never honours its deadline
  auto processor = std::make_unique<BatchSpanProcessor>(
      std::make_unique<ControlledExporter>(control), config_of(100, 2), [](std::string_view) {});
  push(*processor, "s", 2);
  control->wait_for_exports_entered(1);
  push(*processor, "t", 5);

  const auto start = SteadyClock::now();
  const bool ok = processor->shutdown(start + 300ms);
  const auto elapsed = SteadyClock::now() - start;
  EXPECT_FALSE(ok);
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 300ms + 2s);
  processor.reset();  // the destructor must not wait again
  EXPECT_LT(SteadyClock::now() - start, 300ms + 2s);
  control->open_gate();  // let the abandoned export thread finish and clean up
}

TEST(BatchSpanProcessor, FailedExportsAreCounted) {
  auto control = std::make_shared<ExporterControl>();
  control->result = {ExportResult::Code::failure, 0, "UNAVAILABLE: connection refused"};
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(100, 4));
  push(processor, "s", 6);
  processor.force_flush(SteadyClock::now() + 30s);
  const ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.exported, 0u);
  EXPECT_EQ(stats.failed, 6u);
  // 4 + 2, or 4 + 1 + 1 when the export thread takes the fifth span with the first batch.
  EXPECT_GE(stats.batches, 2u);
  EXPECT_LE(stats.batches, 3u);
  EXPECT_EQ(stats.failed_batches, stats.batches);
  EXPECT_FALSE(stats.last_export_ok);
  EXPECT_EQ(stats.last_export_message, "UNAVAILABLE: connection refused");
}

TEST(BatchSpanProcessor, PartialSuccessCountsRejectedSpans) {
  auto control = std::make_shared<ExporterControl>();
  control->result = {ExportResult::Code::success, 1, "1 span rejected"};
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(100, 10));
  push(processor, "s", 3);
  processor.force_flush(SteadyClock::now() + 30s);
  const ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.exported, 2u);
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.failed_batches, 0u);
}

TEST(BatchSpanProcessor, UnsampledSpansAreNotExported) {
  auto control = std::make_shared<ExporterControl>();
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(100, 10));
  SpanData unsampled;
  unsampled.name = "local-only";
  processor.on_end(FinishedSpan::from(std::move(unsampled)));
  processor.on_end(sampled_span("exported"));
  processor.force_flush(SteadyClock::now() + 30s);
  EXPECT_EQ(control->names, std::vector<std::string>{"exported"});
  EXPECT_EQ(processor.stats().queued, 1u);
}

TEST(BatchSpanProcessor, SpansEndedAfterShutdownAreCountedAsDropped) {
  auto control = std::make_shared<ExporterControl>();
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(100, 10));
  push(processor, "before", 3);
  ASSERT_TRUE(processor.shutdown(SteadyClock::now() + 30s));
  push(processor, "after", 2);
  EXPECT_EQ(control->exported_count(), 3u);
  EXPECT_EQ(processor.stats().dropped, 2u);
  EXPECT_TRUE(processor.shutdown(SteadyClock::now() + 1s));  // idempotent
  EXPECT_EQ(control->shutdowns, 1);
}

TEST(BatchSpanProcessor, EndToEndThroughTheTracerProvider) {
  auto control = std::make_shared<ExporterControl>();
  auto provider = provider_exporting_to(control, config_of(100, 10));
  {
    Span root = provider->tracer().start_span("root", SpanKind::server, SpanContext{});
    Span child = root.start_child("child");
    Span unsampled =
        provider->tracer().start_span("unsampled", SpanKind::server, test::remote_parent(false));
  }
  ASSERT_TRUE(provider->shutdown(SteadyClock::now() + 30s));
  EXPECT_EQ(control->names, (std::vector<std::string>{"child", "root"}));
  const auto stats = provider->stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].name, "batch -> controlled");
  EXPECT_EQ(stats[0].exported, 2u);
}

TEST(BatchSpanProcessor, ManyThreadsEndingSpansAtOnceLoseNothing) {
  auto control = std::make_shared<ExporterControl>();
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control),
                               config_of(100000, 512));
  constexpr int kThreads = 4, kSpans = 5000;
  push_from_threads(processor, kThreads, kSpans);
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  const ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.queued, std::uint64_t{kThreads * kSpans});
  EXPECT_EQ(stats.exported, std::uint64_t{kThreads * kSpans});
  EXPECT_EQ(stats.dropped, 0u);
  std::vector<std::string> names = control->names;
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "a span twice";
  ASSERT_EQ(names.size(), std::size_t{kThreads * kSpans});
  for (const std::size_t size : control->batch_sizes) EXPECT_LE(size, 512u);
}

TEST(BatchSpanProcessor, TheBoundHoldsForTheWholeQueueWhateverThreadEndsTheSpans) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(64, 16),
                               [](std::string_view) {});
  constexpr int kThreads = 4, kSpans = 2000;
  push_from_threads(processor, kThreads, kSpans);
  // Whichever lanes the threads used, exactly the queue's 64 were taken (in flight or
  // waiting) and everything else was dropped and counted.
  ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.queued, 64u);
  EXPECT_EQ(stats.dropped, std::uint64_t{kThreads * kSpans} - 64);
  EXPECT_EQ(stats.queue_size, 64u);
  control->open_gate();
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  stats = processor.stats();
  EXPECT_EQ(stats.exported, 64u);
  EXPECT_EQ(stats.queue_size, 0u);
}

TEST(BatchSpanProcessor, ThreadsSpillingIntoTheSameLanesAtOnceLoseNothingWhileThereIsRoom) {
  // Twice as many threads as lanes on a 2-core machine, so that threads share home
  // lanes, fill them together and spill into the same other lanes at the same moments.
  // Together they end exactly as many spans as the queue holds: a lane busy with
  // another thread's span is not a full lane, and no span may be refused.
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  constexpr int kThreads = 8, kSpans = 250;
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control),
                               config_of(kThreads * kSpans, kThreads * kSpans),
                               [](std::string_view) {});
  push_from_threads(processor, kThreads, kSpans);
  const ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.queued, std::uint64_t{kThreads * kSpans});
  control->open_gate();
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  EXPECT_EQ(processor.stats().exported, std::uint64_t{kThreads * kSpans});
}

TEST(BatchSpanProcessor, OneThreadFillsTheWholeQueueNotJustItsLane) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(1000, 1000),
                               [](std::string_view) {});
  push(processor, "s", 1200);
  const ProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.queued, 1000u);
  EXPECT_EQ(stats.dropped, 200u);
  control->open_gate();
}

TEST(BatchSpanProcessor, SpansStagedByTheEndingThreadKeepTheirOwnBytes) {
  auto control = std::make_shared<ExporterControl>();
  control->stage = true;
  auto provider = provider_exporting_to(control, config_of(100, 10));
  // Staging buffers are recycled: every span must arrive with the bytes made for it,
  // never an earlier span's.
  for (int round = 0; round < 50; ++round) {
    Span span = provider->tracer().start_span("span" + std::to_string(round), SpanKind::server,
                                              SpanContext{});
  }
  ASSERT_TRUE(provider->force_flush(SteadyClock::now() + 30s));
  // Only the bytes travel: each span's own, once, and no span besides.
  std::vector<std::string> staged = control->staged, expected;
  for (int round = 0; round < 50; ++round)
    expected.push_back("staged:span" + std::to_string(round));
  std::sort(staged.begin(), staged.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(staged, expected);
  EXPECT_TRUE(control->names.empty());
}

TEST(BatchSpanProcessor, AStagedSpanIsNotKeptAndAnUnstagedOneIsSharedNotCopied) {
  for (const bool stage : {true, false}) {
    SCOPED_TRACE(stage ? "staged" : "not staged");
    auto control = std::make_shared<ExporterControl>();
    control->stage = stage;
    auto processor = std::make_unique<BatchSpanProcessor>(
        std::make_unique<ControlledExporter>(control), config_of(8, 4));
    const FinishedSpan span = sampled_span("s");
    processor->on_end(span);
    // Staged: the queue holds bytes, and the span is ours alone. Not staged: the queue
    // shares the span (no copy) and reads it where it is.
    EXPECT_EQ(span.holders(), stage ? 1u : 2u);
    ASSERT_TRUE(processor->force_flush(SteadyClock::now() + 30s));
    EXPECT_EQ(control->staged.size() + control->names.size(), 1u);
    processor.reset();
    EXPECT_EQ(span.holders(), 1u) << "the queue lets go of what it kept";
  }
}

TEST(BatchSpanProcessor, AnEntryLetsGoOfItsExportedSpanWhenReused) {
  auto control = std::make_shared<ExporterControl>();
  // One lane of one entry whatever the machine, so the second span reuses the first's.
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(1, 1));
  const FinishedSpan first = sampled_span("first");
  processor.on_end(first);  // a second handle: the test keeps its own
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  EXPECT_EQ(first.holders(), 2u);  // exported, still in its entry
  processor.on_end(sampled_span("second"));
  EXPECT_EQ(first.holders(), 1u);
  ASSERT_TRUE(processor.force_flush(SteadyClock::now() + 30s));
  EXPECT_EQ(control->names, (std::vector<std::string>{"first", "second"}));
}

TEST(BatchSpanProcessor, WhileDroppingSpansAreNotStagedForNothing) {
  auto control = std::make_shared<ExporterControl>();
  control->gate_open = false;
  BatchSpanProcessor processor(std::make_unique<ControlledExporter>(control), config_of(8, 4),
                               [](std::string_view) {});
  push(processor, "a", 4);
  control->wait_for_exports_entered(1);
  push(processor, "b", 10);  // 4 fit; the first drop starts an episode, 5 more follow
  EXPECT_EQ(processor.stats().dropped, 6u);
  EXPECT_EQ(control->stage_calls.load(), 4 + 4 + 1);
  control->open_gate();
}

TEST(BatchSpanProcessor, SpansStartedOnOneThreadAndEndedOnAnother) {
  auto control = std::make_shared<ExporterControl>();
  auto provider = provider_exporting_to(control, config_of(10000, 512));
  // A request's span often starts on an I/O thread and ends on another: records move
  // between threads' pools and must neither leak nor be handed out twice.
  constexpr int kRounds = 20, kSpans = 200;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<Span> spans;
    std::thread starter([&] {
      for (int i = 0; i < kSpans; ++i) {
        spans.push_back(
            provider->tracer().start_span("r" + std::to_string(round) + "-" + std::to_string(i),
                                          SpanKind::server, SpanContext{}));
        spans.back().set_attribute("index", i);
      }
    });
    starter.join();
    std::thread ender([&] { spans.clear(); });
    ender.join();
  }
  ASSERT_TRUE(provider->force_flush(SteadyClock::now() + 30s));
  std::vector<std::string> names = control->names;
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names.size(), std::size_t{kRounds * kSpans});
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

}  // namespace
}  // namespace telemetry
