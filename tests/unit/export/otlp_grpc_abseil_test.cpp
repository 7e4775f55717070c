// Debian builds Abseil with its debug lock-order checker on: a process that locks two
// absl::Mutex in both orders is ended as a "potential deadlock", even when no thread
// could ever wait on the other. gRPC takes absl::Mutex throughout, so once the gRPC
// exporter exists such a report must not end the service (ADR 027).
//
// Each case runs in a child process of its own ("threadsafe" death tests run the test
// binary again), so Abseil's process-wide setting starts fresh in each.

#include <absl/synchronization/mutex.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "otlp_test_support.hpp"
#include "telemetry/export/otlp_exporter.hpp"

namespace telemetry::otlp {
namespace {

// One thread, so no deadlock; but a cycle in Abseil's graph of lock orders.
void lock_in_both_orders() {
  absl::Mutex first;
  absl::Mutex second;
  {
    absl::MutexLock outer(&first);
    absl::MutexLock inner(&second);
  }
  {
    absl::MutexLock outer(&second);
    absl::MutexLock inner(&first);
  }
}

class SilentLogger final : public logs::Logger {
 public:
  bool enabled(logs::Level, std::string_view) const noexcept override { return false; }
  void write(logs::Level, std::string_view, std::string_view, std::span<const logs::Field>,
             const logs::Correlation*) const noexcept override {}
};

TEST(GrpcExporterAbseilDeathTest, WithoutTheExporterAbseilEndsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // What a process linked to Debian's Abseil meets by default: the reason for ADR 027.
  EXPECT_DEATH(lock_in_both_orders(), "potential deadlock");
}

TEST(GrpcExporterAbseilDeathTest, WithTheExporterTheProcessGoesOnExporting) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        OtlpConfig config;
        config.endpoint = "http://127.0.0.1:9";  // discard port: nothing listens
        auto exporter =
            make_otlp_exporter(config, testing::test_resource(), std::make_shared<SilentLogger>());
        lock_in_both_orders();
        std::vector<SpanData> batch = {testing::make_span(1)};
        const auto result = exporter->export_spans(
            batch, std::chrono::steady_clock::now() + std::chrono::milliseconds(300));
        // Exit codes say how far it got: 3 when the export to nobody failed as it should.
        std::_Exit(result.code == ExportResult::Code::failure ? 3 : 4);
      },
      ::testing::ExitedWithCode(3), "");
}

}  // namespace
}  // namespace telemetry::otlp
