// The exporter's behaviour over a scripted transport, with an injected clock: what is
// retried, when it gives up, what it reports, and how little it logs in an outage.

#include <gtest/gtest.h>

#include <deque>
#include <future>
#include <mutex>

#include "otlp_test_support.hpp"
#include "telemetry/export/otlp_exporter.hpp"
#include "telemetry/trace/batch_span_processor.hpp"

namespace telemetry::otlp {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

struct LogLine {
  logs::Level level;
  std::string message;
  std::map<std::string, std::string> fields;
};

class CapturingLogger final : public logs::Logger {
 public:
  bool enabled(logs::Level level, std::string_view) const noexcept override {
    return level >= logs::Level::debug;
  }
  void write(logs::Level level, std::string_view, std::string_view message,
             std::span<const logs::Field> fields,
             const logs::Correlation*) const noexcept override {
    LogLine line{level, std::string(message), {}};
    for (const auto& f : fields) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>) {
              line.fields[std::string(f.key)] = std::string(v);
            } else {
              line.fields[std::string(f.key)] = std::to_string(v);
            }
          },
          f.value);
    }
    lines.push_back(std::move(line));
  }
  std::size_t count(logs::Level level) const { return at(level).size(); }
  std::vector<LogLine> at(logs::Level level) const {
    std::vector<LogLine> out;
    for (const auto& l : lines)
      if (l.level == level) out.push_back(l);
    return out;
  }
  mutable std::vector<LogLine> lines;
};

// Answers each send with the next scripted result; records what was sent.
class ScriptedTransport final : public OtlpTransport {
 public:
  std::deque<SendResult> script;
  std::vector<std::size_t> sent_requests;
  std::vector<std::size_t> counts_to_prepare;  // empty: one request with everything

  std::vector<std::size_t> prepare(SpanBatch batch, std::size_t, std::size_t& oversized) override {
    oversized = 0;
    if (counts_to_prepare.empty()) return {batch.size()};
    return counts_to_prepare;
  }
  std::function<void()> on_send;  // runs during each send, e.g. a concurrent shutdown

  SendResult send(std::size_t index, Clock::time_point) noexcept override {
    sent_requests.push_back(index);
    if (on_send) on_send();
    if (script.empty()) return {};
    SendResult next = script.front();
    script.pop_front();
    return next;
  }
  void cancel() noexcept override {}
};

SendResult unavailable(std::optional<milliseconds> retry_after = {}) {
  return {Outcome::retryable, retry_after, 0, "UNAVAILABLE: connection refused"};
}
SendResult permanent() {
  return {Outcome::permanent, {}, 0, "INVALID_ARGUMENT: bad"};
}

class ExporterTest : public ::testing::Test {
 protected:
  ExporterTest() {
    auto owned = std::make_unique<ScriptedTransport>();
    transport = owned.get();
    ExporterOptions options;
    options.now = [this] { return now; };
    options.random01 = [] { return 0.0; };
    options.sleep = [this](milliseconds d) {
      slept.push_back(d);
      now += d;
      return true;
    };
    exporter = make_exporter_with_transport(config, std::move(owned), shared_logger, options);
  }

  ExportResult export_batch(std::size_t spans, milliseconds budget) {
    std::vector<SpanData> batch;
    for (std::size_t i = 0; i < spans; ++i)
      batch.push_back(testing::make_span(static_cast<std::uint8_t>(i)));
    return exporter->export_spans(batch, now + budget);
  }

  OtlpConfig config;
  std::shared_ptr<CapturingLogger> shared_logger = std::make_shared<CapturingLogger>();
  CapturingLogger& logger = *shared_logger;
  ScriptedTransport* transport = nullptr;
  Clock::time_point now{};
  std::vector<milliseconds> slept;
  std::unique_ptr<SpanExporter> exporter;
};

TEST_F(ExporterTest, DescribesProtocolAndEndpoint) {
  EXPECT_EQ(exporter->describe(), "otlp grpc http://localhost:4317");
}

TEST_F(ExporterTest, RetriesRetryableFailuresWithBackoffUntilSuccess) {
  transport->script = {unavailable(), unavailable(), {}};
  const auto result = export_batch(3, std::chrono::seconds(30));
  EXPECT_EQ(result.code, ExportResult::Code::success);
  EXPECT_EQ(transport->sent_requests.size(), 3u);
  EXPECT_EQ(slept, (std::vector<milliseconds>{milliseconds(250), milliseconds(500)}));
}

TEST_F(ExporterTest, HonoursTheServersRetryDelay) {
  transport->script = {unavailable(milliseconds(1000)), {}};
  EXPECT_EQ(export_batch(1, std::chrono::seconds(30)).code, ExportResult::Code::success);
  EXPECT_EQ(slept, (std::vector<milliseconds>{milliseconds(1000)}));
}

TEST_F(ExporterTest, GivesUpWhenNoRetryFitsBeforeTheDeadline) {
  transport->script = {unavailable(milliseconds(1000)), unavailable(milliseconds(1000)), {}};
  const auto result = export_batch(4, milliseconds(1500));
  EXPECT_EQ(result.code, ExportResult::Code::failure);
  EXPECT_EQ(transport->sent_requests.size(), 2u);  // the third would end past the deadline
  EXPECT_NE(result.message.find("4 of 4 spans not exported"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("UNAVAILABLE"), std::string::npos);
}

TEST_F(ExporterTest, PermanentFailuresAreNotRetried) {
  transport->script = {permanent(), {}};
  const auto result = export_batch(2, std::chrono::seconds(30));
  EXPECT_EQ(result.code, ExportResult::Code::failure);
  EXPECT_EQ(transport->sent_requests.size(), 1u);
  EXPECT_TRUE(slept.empty());
}

TEST_F(ExporterTest, PartialSuccessIsReportedAndLogged) {
  transport->script = {{Outcome::success, {}, 3, "3 spans had no name"}};
  const auto result = export_batch(5, std::chrono::seconds(30));
  EXPECT_EQ(result.code, ExportResult::Code::success);
  EXPECT_EQ(result.rejected_spans, 3u);
  EXPECT_EQ(result.message, "3 spans had no name");
  const auto warnings = logger.at(logs::Level::warn);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].fields.at("rejected_spans"), "3");
}

TEST_F(ExporterTest, AnOutageIsOneWarningAndOneRecoveryLine) {
  for (int batch = 0; batch < 5; ++batch) {
    transport->script = {permanent()};
    EXPECT_EQ(export_batch(1, std::chrono::seconds(1)).code, ExportResult::Code::failure);
  }
  transport->script = {{}};
  EXPECT_EQ(export_batch(1, std::chrono::seconds(1)).code, ExportResult::Code::success);
  EXPECT_EQ(export_batch(1, std::chrono::seconds(1)).code, ExportResult::Code::success);
  const auto warnings = logger.at(logs::Level::warn);
  const auto infos = logger.at(logs::Level::info);
  ASSERT_EQ(warnings.size(), 1u);
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(warnings[0].fields.at("error"), "INVALID_ARGUMENT: bad");
  EXPECT_EQ(infos[0].message, "trace export recovered");
  EXPECT_EQ(infos[0].fields.at("failed_requests"), "5");
  EXPECT_EQ(infos[0].fields.at("failed_attempts"), "5");
  EXPECT_EQ(infos[0].fields.at("dropped_spans"), "5");
  // A second outage warns again.
  transport->script = {permanent()};
  export_batch(1, std::chrono::seconds(1));
  EXPECT_EQ(logger.count(logs::Level::warn), 2u);
}

TEST_F(ExporterTest, TheFirstFailedAttemptWarnsAtOnceNamingTheCause) {
  // The warning must be out before the first retry wait, not when the batch is given up.
  std::vector<std::size_t> warnings_when_waiting;
  exporter.reset();
  auto owned = std::make_unique<ScriptedTransport>();
  transport = owned.get();
  ExporterOptions options;
  options.now = [this] { return now; };
  options.random01 = [] { return 0.0; };
  options.sleep = [&](milliseconds d) {
    warnings_when_waiting.push_back(logger.count(logs::Level::warn));
    now += d;
    return true;
  };
  exporter = make_exporter_with_transport(config, std::move(owned), shared_logger, options);
  transport->script = {{Outcome::retryable,
                        {},
                        0,
                        "UNAVAILABLE: failed to connect to all addresses; last error: UNKNOWN: "
                        "ipv4:127.0.0.1:4317: Failed to connect to remote host: Connection "
                        "refused"},
                       unavailable(),
                       {}};
  EXPECT_EQ(export_batch(3, std::chrono::seconds(30)).code, ExportResult::Code::success);
  EXPECT_EQ(warnings_when_waiting, (std::vector<std::size_t>{1, 1}));
  const auto warnings = logger.at(logs::Level::warn);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].fields.at("endpoint"), "http://localhost:4317");
  EXPECT_EQ(warnings[0].fields.at("protocol"), "grpc");
  EXPECT_NE(warnings[0].fields.at("error").find("Connection refused"), std::string::npos);
  EXPECT_NE(warnings[0].fields.at("hint").find("nothing listens"), std::string::npos);
  // Retries are debug lines; the recovery line says how long it lasted and what failed.
  EXPECT_EQ(logger.count(logs::Level::debug), 2u);
  const auto infos = logger.at(logs::Level::info);
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].fields.at("outage_ms"), "750");  // waits of 250 and 500 ms
  EXPECT_EQ(infos[0].fields.at("failed_attempts"), "2");
  EXPECT_EQ(infos[0].fields.at("failed_requests"), "0");  // nothing was lost
}

TEST_F(ExporterTest, WhileTheCollectorIsDownEachRequestGetsOneAttempt) {
  // The request that finds the collector down retries until its deadline ...
  transport->script = {unavailable(), unavailable(), unavailable(), unavailable()};
  EXPECT_EQ(export_batch(2, milliseconds(1000)).code, ExportResult::Code::failure);
  EXPECT_EQ(transport->sent_requests.size(), 3u);  // waits of 250 and 500; 1000 does not fit
  // ... later ones during the outage are tried once, without waiting.
  for (int batch = 0; batch < 3; ++batch) {
    transport->sent_requests.clear();
    slept.clear();
    transport->script = {unavailable(), {}};
    const auto result = export_batch(2, std::chrono::seconds(30));
    EXPECT_EQ(result.code, ExportResult::Code::failure);
    EXPECT_NE(result.message.find("collector down"), std::string::npos) << result.message;
    EXPECT_EQ(transport->sent_requests.size(), 1u);
    EXPECT_TRUE(slept.empty());
  }
  EXPECT_EQ(logger.count(logs::Level::warn), 1u);
  // The first success ends the outage; the normal back-off applies again after it.
  transport->script = {{}};
  EXPECT_EQ(export_batch(2, std::chrono::seconds(30)).code, ExportResult::Code::success);
  const auto infos = logger.at(logs::Level::info);
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].fields.at("failed_requests"), "4");
  EXPECT_EQ(infos[0].fields.at("failed_attempts"), "6");
  EXPECT_EQ(infos[0].fields.at("dropped_spans"), "8");
  transport->sent_requests.clear();
  transport->script = {unavailable(), {}};
  EXPECT_EQ(export_batch(2, std::chrono::seconds(30)).code, ExportResult::Code::success);
  EXPECT_EQ(transport->sent_requests.size(), 2u);
  EXPECT_EQ(logger.count(logs::Level::warn), 2u);  // that blip was an outage of its own
}

TEST_F(ExporterTest, OneAttemptPerSplitRequestDuringAnOutage) {
  transport->counts_to_prepare = {2, 3};
  transport->script = {permanent(), unavailable(), unavailable()};
  const auto result = export_batch(5, std::chrono::seconds(30));
  EXPECT_EQ(result.code, ExportResult::Code::failure);
  // The first request found the collector failing; the second gets one attempt.
  EXPECT_EQ(transport->sent_requests, (std::vector<std::size_t>{0, 1}));
  EXPECT_NE(result.message.find("5 of 5 spans"), std::string::npos) << result.message;
  EXPECT_EQ(logger.count(logs::Level::warn), 1u);
}

TEST_F(ExporterTest, SplitRequestsAreSentInOrderAndFailuresCountTheirSpans) {
  transport->counts_to_prepare = {2, 3};
  transport->script = {{}, permanent()};
  const auto result = export_batch(5, std::chrono::seconds(30));
  EXPECT_EQ(transport->sent_requests, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(result.code, ExportResult::Code::failure);
  EXPECT_NE(result.message.find("3 of 5 spans"), std::string::npos) << result.message;
}

TEST_F(ExporterTest, AfterShutdownNothingIsSent) {
  exporter->shutdown(now);
  const auto result = export_batch(1, std::chrono::seconds(30));
  EXPECT_EQ(result.code, ExportResult::Code::failure);
  EXPECT_TRUE(transport->sent_requests.empty());
}

TEST_F(ExporterTest, AnAttemptCutShortByShutdownIsNotAnOutage) {
  // The transport's answer when shutdown cancels the request in flight.
  transport->on_send = [this] { exporter->shutdown(now); };
  transport->script = {{Outcome::permanent, {}, 0, "cancelled by shutdown"}};
  const auto result = export_batch(2, std::chrono::seconds(30));
  EXPECT_EQ(result.code, ExportResult::Code::failure);
  EXPECT_EQ(logger.count(logs::Level::warn), 0u);
}

TEST(MakeOtlpExporter, StartsWithTheCollectorUnreachable) {
  const auto shared_logger = std::make_shared<CapturingLogger>();
  CapturingLogger& logger = *shared_logger;
  OtlpConfig config;
  config.endpoint = "http://127.0.0.1:9";  // discard port: nothing listens
  auto grpc = make_otlp_exporter(config, testing::test_resource(), shared_logger);
  EXPECT_EQ(grpc->describe(), "otlp grpc http://127.0.0.1:9");
  config.protocol = OtlpProtocol::http_json;
  config.endpoint = "http://127.0.0.1:9/v1/traces";
  auto http = make_otlp_exporter(config, testing::test_resource(), shared_logger);
  std::vector<SpanData> batch = {testing::make_span(1)};
  const auto result = http->export_spans(batch, Clock::now() + milliseconds(300));
  EXPECT_EQ(result.code, ExportResult::Code::failure);
  EXPECT_NE(result.message.find("127.0.0.1:9"), std::string::npos) << result.message;
  EXPECT_EQ(logger.count(logs::Level::warn), 1u);
}

// Hands its lines over when it is destroyed, whichever thread lets it go last.
class LastWordsLogger final : public logs::Logger {
 public:
  ~LastWordsLogger() override { last_words_.set_value(lines_); }
  std::future<std::vector<std::string>> last_words() { return last_words_.get_future(); }
  bool enabled(logs::Level, std::string_view) const noexcept override { return true; }
  void write(logs::Level, std::string_view, std::string_view message, std::span<const logs::Field>,
             const logs::Correlation*) const noexcept override {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(message);
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::string> lines_;
  std::promise<std::vector<std::string>> last_words_;
};

// A collector that never answers until the test says so, then is unreachable.
class HangingTransport final : public OtlpTransport {
 public:
  std::promise<void> sending;
  std::shared_future<void> release;

  std::vector<std::size_t> prepare(SpanBatch batch, std::size_t, std::size_t& oversized) override {
    oversized = 0;
    return {batch.size()};
  }
  SendResult send(std::size_t, Clock::time_point) noexcept override {
    if (!sent_once_) sending.set_value();
    sent_once_ = true;
    release.wait();
    return unavailable();
  }
  void cancel() noexcept override {}

 private:
  bool sent_once_ = false;
};

TEST(AbandonedExportThread, LogsTheFailedSendToALoggerItsOwnerLetGo) {
  // The service's exit: a shutdown that times out while a send hangs leaves the export
  // thread running, and the service then destroys what it owns. When the send finally
  // fails, the thread logs it: the logger must still be alive for it.
  auto logger = std::make_shared<LastWordsLogger>();
  auto last_words = logger->last_words();
  std::promise<void> release;
  auto transport = std::make_unique<HangingTransport>();
  transport->release = release.get_future().share();
  auto sending = transport->sending.get_future();
  BatchConfig config;
  config.schedule_delay = milliseconds(1);
  config.export_timeout = milliseconds(300);
  auto processor = std::make_unique<BatchSpanProcessor>(
      make_exporter_with_transport(OtlpConfig{}, std::move(transport), logger), config,
      [](std::string_view) {});
  logger.reset();
  processor->on_end(FinishedSpan::from(testing::make_span(1)));
  ASSERT_EQ(sending.wait_for(std::chrono::seconds(5)), std::future_status::ready);

  EXPECT_FALSE(processor->shutdown(Clock::now() + milliseconds(50)));
  processor.reset();
  EXPECT_EQ(last_words.wait_for(milliseconds(0)), std::future_status::timeout)
      << "the logger went before the export thread that uses it";

  release.set_value();
  ASSERT_EQ(last_words.wait_for(std::chrono::seconds(5)), std::future_status::ready)
      << "the export thread never let the logger go";
  const auto lines = last_words.get();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.front().find("trace export failing"), std::string::npos) << lines.front();
}

}  // namespace
}  // namespace telemetry::otlp
