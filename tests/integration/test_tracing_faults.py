"""Tracing when the collector misbehaves, and at shutdown.

(a) Collector down: requests keep their latency, one warning per outage, the lost
    spans are counted in the shutdown totals.
(b) Collector answering UNAVAILABLE, then recovering: later spans arrive, none twice.
(c) SIGTERM under load: every request that got a response has its span delivered
    before the process exits 0.
(d) SIGTERM with a collector that accepts and never answers: the exit is bounded by
    OTEL_BSP_EXPORT_TIMEOUT.
"""

import http.client
import signal
import socket
import statistics
import threading
import time
import unittest

from harness import Service
from otlp_receiver import SPAN_KIND_SERVER, OtlpReceiver

LOAD_THREADS = 4
FAST_BATCHES = {"OTEL_BSP_SCHEDULE_DELAY": "100"}


def closed_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Blackhole:
    """A TCP listener that accepts connections, reads what comes, and never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.connections = []
        self._stop = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            with self._lock:
                self.connections.append(conn)
            threading.Thread(target=self._swallow, args=(conn,), daemon=True).start()

    def _swallow(self, conn):
        conn.settimeout(0.2)
        while not self._stop:
            try:
                data = conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.received += len(data)

    def wait_for_bytes(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.received > 0:
                    return
            time.sleep(0.05)
        raise AssertionError("nothing reached the blackhole collector")

    def close(self):
        self._stop = True
        self._thread.join(timeout=2)
        with self._lock:
            for conn in self.connections:
                conn.close()
        self.sock.close()


def run_load(service, path, token, total, threads=LOAD_THREADS):
    """`total` GETs of `path` from `threads` threads: (latencies in s, responses)."""
    latencies, responses, errors = [], [], []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            started = time.perf_counter()
            try:
                response = service.request("GET", path, token=token)
            except OSError as error:
                with lock:
                    errors.append(error)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                responses.append(response)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise AssertionError(f"{len(errors)} requests failed, first: {errors[0]!r}")
    return latencies, responses


def export_totals(service):
    return service.wait_for_log(lambda l: l.get("target") == "telemetry"
                                and l.get("message") == "span export totals", timeout=5)


def collector_warnings(service):
    return [l for l in service.all_logs()
            if l.get("target") == "otlp" and l.get("level") in ("warn", "error")]


class CollectorDownTest(unittest.TestCase):

    def test_requests_keep_their_latency_and_lost_spans_are_counted(self):
        requests = 300
        baseline = Service().start()
        traced = Service(env={
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
            # Short, so that many batches fail (and are given up) during the load.
            "OTEL_EXPORTER_OTLP_TIMEOUT": "200",
            "OTEL_BSP_EXPORT_TIMEOUT": "500",
            "OTEL_BSP_MAX_QUEUE_SIZE": "64",
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "16",
            **FAST_BATCHES}).start()
        try:
            targets = {}
            for name, service in (("off", baseline), ("down", traced)):
                _, token = service.new_user("load")
                board = service.create_board(token, name="Load")
                targets[name] = (service, f"/api/boards/{board['id']}", token)
                run_load(service, targets[name][1], token, 20)  # warm-up
            # Interleaved rounds, so that a burst of noise on the machine hits both.
            latencies = {"off": [], "down": []}
            for _ in range(2):
                for name, (service, path, token) in targets.items():
                    measured, responses = run_load(service, path, token, requests // 2)
                    self.assertEqual({r.status for r in responses}, {200})
                    latencies[name] += measured
            p50 = {name: statistics.median(values) for name, values in latencies.items()}
            self.assertLess(p50["down"], 2 * p50["off"] + 0.005, p50)

            # The outage goes on: keep spans coming for a while so that several more
            # batches fail (each is given up after OTEL_BSP_EXPORT_TIMEOUT).
            traced.wait_for_log(lambda l: l.get("target") == "otlp" and l.get("level") == "warn")
            _, token = traced.new_user("more")
            until = time.monotonic() + 2.0
            while time.monotonic() < until:
                self.assertEqual(traced.request("GET", "/api/boards", token=token).status, 200)
                time.sleep(0.02)
            # One warning for the whole outage, however many batches failed.
            warnings = collector_warnings(traced)
            self.assertEqual(len(warnings), 1, warnings)
            self.assertIn("export", warnings[0]["message"])
        finally:
            baseline.stop()
            started = time.monotonic()
            code = traced.stop()
            stopping = time.monotonic() - started
        self.assertEqual(code, 0, traced.output_tail())
        self.assertLess(stopping, 0.5 + 2.0 + 1.0, "exit took too long")
        self.assertEqual(len(collector_warnings(traced)), 1, collector_warnings(traced))
        totals = export_totals(traced)
        self.assertEqual(totals["level"], "warn", totals)
        self.assertEqual(totals["exported"], 0, totals)
        # Every request made at least its server span; all of them were lost, and said so.
        self.assertGreaterEqual(totals["dropped"] + totals["failed"], requests + 20, totals)
        # Whether they were lost as "dropped" (queue full) or "failed" (export given up)
        # depends on how fast failed exports return; either way they are counted.
        # Several batches failed, yet there was the one warning above.
        self.assertGreaterEqual(totals["batches"], 3, totals)


class CollectorRecoversTest(unittest.TestCase):

    def test_spans_after_recovery_arrive_once(self):
        for protocol in ("grpc", "http/protobuf"):
            with self.subTest(protocol=protocol), OtlpReceiver() as receiver:
                self.check_recovery(receiver, protocol)

    def check_recovery(self, receiver, protocol):
        receiver.control(fail=True, retry_after_s=0)
        service = Service(env={"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint(protocol),
                               "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
                               "OTEL_EXPORTER_OTLP_TIMEOUT": "1000",
                               # A batch is retried up to this long, then given up.
                               "OTEL_BSP_EXPORT_TIMEOUT": "2000",
                               **FAST_BATCHES}).start()
        try:
            _, token = service.new_user("outage")
            _, during = run_load(service, "/api/users/me", token, 20, threads=2)
            deadline = time.monotonic() + 10
            while receiver.stats()["failed"] == 0:
                self.assertLess(time.monotonic(), deadline, "the exporter never tried")
                time.sleep(0.05)
            service.wait_for_log(lambda l: l.get("target") == "otlp" and l.get("level") == "warn",
                                 timeout=10)

            receiver.control(fail=False)
            _, after = run_load(service, "/api/users/me", token, 20, threads=2)
            self.assertEqual({r.status for r in during + after}, {200})
            after_ids = {r.headers["x-trace-id"] for r in after}
            receiver.wait_for_spans(
                lambda s: s["kind"] == SPAN_KIND_SERVER and s["traceId"] in after_ids,
                count=len(after_ids))
            service.wait_for_log(lambda l: l.get("target") == "otlp"
                                 and l.get("message") == "trace export recovered")
        finally:
            self.assertEqual(service.stop(), 0, service.output_tail())

        spans = receiver.spans()
        span_ids = [s["spanId"] for s in spans]
        self.assertEqual(len(span_ids), len(set(span_ids)), "a span was delivered twice")
        for trace_id in after_ids:
            servers = [s for s in spans
                       if s["traceId"] == trace_id and s["kind"] == SPAN_KIND_SERVER]
            self.assertEqual(len(servers), 1, trace_id)
        self.assertEqual(len(collector_warnings(service)), 1, collector_warnings(service))


class ShutdownFlushTest(unittest.TestCase):

    def test_sigterm_under_load_delivers_every_answered_request(self):
        with OtlpReceiver() as receiver:
            # The default 5 s schedule: at the signal most spans are still queued, so
            # only the shutdown flush can deliver them.
            service = Service(env={"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint("grpc"),
                                   "OTEL_BSP_MAX_QUEUE_SIZE": "16384"}).start()
            _, token = service.new_user("sigterm")
            answered, lock, stop = [], threading.Lock(), threading.Event()

            def worker():
                while not stop.is_set():
                    try:
                        response = service.request("GET", "/api/users/me", token=token,
                                                   timeout=5)
                    except (OSError, http.client.HTTPException):
                        # Refused or cut off once shutdown began: no response, no claim.
                        if not service.alive():
                            return
                        time.sleep(0.01)
                        continue
                    with lock:
                        answered.append(response)

            pool = [threading.Thread(target=worker) for _ in range(LOAD_THREADS)]
            for thread in pool:
                thread.start()
            deadline = time.monotonic() + 20
            while True:
                with lock:
                    if len(answered) >= 150:
                        break
                self.assertLess(time.monotonic(), deadline, "the load never got going")
                time.sleep(0.01)
            started = time.monotonic()
            service.process.send_signal(signal.SIGTERM)
            try:
                service.process.wait(timeout=15)
            finally:
                stop.set()
                for thread in pool:
                    thread.join(timeout=10)
                code = service.stop()
            elapsed = time.monotonic() - started
            self.assertEqual(code, 0, service.output_tail())
            self.assertLess(elapsed, 10.0)

            trace_ids = {r.headers["x-trace-id"] for r in answered}
            self.assertGreaterEqual(len(trace_ids), 150)
            received = {s["traceId"] for s in receiver.spans() if s["kind"] == SPAN_KIND_SERVER}
            missing = trace_ids - received
            self.assertFalse(missing, f"{len(missing)} of {len(trace_ids)} answered requests "
                             "have no server span at the receiver")
            totals = export_totals(service)
            self.assertEqual(totals["dropped"], 0, totals)
            self.assertEqual(totals["failed"], 0, totals)
            self.assertTrue(totals["flushed_in_time"], totals)


class BlackholeShutdownTest(unittest.TestCase):

    EXPORT_TIMEOUT_S = 2.0

    def test_sigterm_with_a_collector_that_never_answers_exits_in_time(self):
        for protocol in ("grpc", "http/protobuf"):
            with self.subTest(protocol=protocol):
                self.check_bounded_exit(protocol)

    def check_bounded_exit(self, protocol):
        blackhole = Blackhole()
        try:
            service = Service(env={
                "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{blackhole.port}",
                "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
                "OTEL_BSP_EXPORT_TIMEOUT": str(int(self.EXPORT_TIMEOUT_S * 1000)),
                **FAST_BATCHES}).start()
            _, token = service.new_user("blackhole")
            _, responses = run_load(service, "/api/users/me", token, 20, threads=2)
            self.assertEqual({r.status for r in responses}, {200})
            blackhole.wait_for_bytes()  # an export is now hanging on it
            run_load(service, "/api/users/me", token, 10, threads=2)  # and more queued
            started = time.monotonic()
            service.process.send_signal(signal.SIGTERM)
            try:
                service.process.wait(timeout=self.EXPORT_TIMEOUT_S + 10)
            finally:
                code = service.stop()
            elapsed = time.monotonic() - started
            self.assertEqual(code, 0, service.output_tail())
            self.assertLess(elapsed, self.EXPORT_TIMEOUT_S + 2.0, "exit took too long")
            totals = export_totals(service)
            self.assertEqual(totals["exported"], 0, totals)
            self.assertEqual(totals["level"], "warn", totals)
        finally:
            blackhole.close()


class SlowCollectorTest(unittest.TestCase):
    """A collector that takes its time to answer each request: requests do not wait for
    it, and every span arrives once, each trace whole, while batches wait in the queue
    for the answer to the one on the wire (ADR 022)."""

    DELAY_MS = 300

    def test_requests_do_not_wait_and_every_trace_arrives_whole(self):
        with OtlpReceiver("--delay-ms", str(self.DELAY_MS)) as receiver:
            service = Service(env={"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint("grpc"),
                                   "OTEL_TRACES_SAMPLER": "always_on",
                                   "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "16",
                                   "OTEL_EXPORTER_OTLP_TIMEOUT": "10000",
                                   "OTEL_BSP_EXPORT_TIMEOUT": "10000",
                                   **FAST_BATCHES}).start()
            try:
                _, token = service.new_user("slow")
                board = service.create_board(token, name="Slow")
                path = f"/api/boards/{board['id']}"
                # Ten batches or more, each answered DELAY_MS late.
                latencies, responses = run_load(service, path, token, 40, threads=2)
                self.assertEqual({r.status for r in responses}, {200})
                self.assertLess(statistics.median(latencies), self.DELAY_MS / 1000 / 3,
                                latencies)
                trace_ids = {r.headers["x-trace-id"] for r in responses}
                receiver.wait_for_spans(
                    lambda s: s["kind"] == SPAN_KIND_SERVER and s["traceId"] in trace_ids,
                    count=len(trace_ids), timeout=30)
            finally:
                # Shutdown exports what is still queued (within its bound).
                code = service.stop()
            self.assertEqual(code, 0, service.output_tail())
            totals = export_totals(service)
            self.assertEqual((totals["dropped"], totals["failed"]), (0, 0), totals)
            spans = receiver.spans()
            self.assertEqual(totals["exported"], len(spans), totals)
            self.assertGreaterEqual(receiver.stats()["requests"], 10)
            span_ids = [s["spanId"] for s in spans]
            self.assertEqual(len(span_ids), len(set(span_ids)), "a span was delivered twice")
            # Every read's trace arrived whole: the same number of spans for each, and
            # more than its server span.
            sizes = {len([s for s in spans if s["traceId"] == t]) for t in trace_ids}
            self.assertEqual(len(sizes), 1, sizes)
            self.assertGreaterEqual(sizes.pop(), 4)

if __name__ == "__main__":
    unittest.main()
