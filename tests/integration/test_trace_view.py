"""The built-in trace view (/debug/traces and /debug/api/...) on the real binary.

- Tail keep: with traceidratio 0.01, a request that fails with 500 and one slower
  than BOARD_TRACE_VIEW_SLOW_MS are both in the view, while the OTLP receiver gets
  exactly the traces the sampler sampled.
- Each trace carries its own log lines; the view's own requests are not in it.
- Access: loopback clients, or the bearer token; anyone else is refused.
- Markup in a span attribute comes back as data, never inside the page's HTML.
"""

import http.client
import json
import socket
import time
import unittest

from harness import Service, ServiceTestCase
from otlp_receiver import OtlpReceiver

SCRIPT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def wait_for_trace(service, trace_id, timeout=5.0, headers=None):
    deadline = time.monotonic() + timeout
    while True:
        response = service.request("GET", f"/debug/api/traces/{trace_id}", headers=headers)
        if response.status == 200:
            return response.json()
        if time.monotonic() >= deadline:
            raise AssertionError(f"trace {trace_id} not in the view: {response!r}")
        time.sleep(0.05)


def span_names(trace):
    return [span["name"] for rs in trace["otlp"]["resourceSpans"]
            for ss in rs["scopeSpans"] for span in ss["spans"]]


def sampled(response):
    return int(response.headers["traceparent"].split("-")[3], 16) & 1 == 1


class TailKeepAtLowSampling(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.receiver = OtlpReceiver().start()
        cls.service = Service(env={
            "OTEL_EXPORTER_OTLP_ENDPOINT": cls.receiver.endpoint("grpc"),
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "OTEL_TRACES_SAMPLER": "traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "0.01",
            "BOARD_DEBUG_FAULTS": "1",
            # The slow request: a registration hashing its password with the
            # interactive profile, well over 50 ms; reading one's profile is not.
            "BOARD_PASSWORD_HASH": "interactive",
            "BOARD_TRACE_VIEW_SLOW_MS": "50",
        }).start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.service.stop()
        finally:
            cls.receiver.stop()

    def test_failed_and_slow_traces_are_in_the_view_and_export_follows_the_sampler(self):
        fault = self.service.request("GET", "/debug/fault")
        self.assertEqual(fault.status, 500)
        slow = self.service.request("POST", "/api/auth/register", json={
            "username": self.service.unique_username("slow"), "password": "correct horse battery"})
        self.assertEqual(slow.status, 201, slow)
        quick = [self.service.request("GET", "/api/users/me") for _ in range(60)]
        ours = [fault, slow] + quick

        fault_trace = wait_for_trace(self.service, fault.headers["x-trace-id"])
        self.assertEqual(fault_trace["keep"], "error")
        self.assertIn("GET /debug/fault", span_names(fault_trace))
        slow_trace = wait_for_trace(self.service, slow.headers["x-trace-id"])
        self.assertEqual(slow_trace["keep"], "slow")
        self.assertEqual(wait_for_trace(self.service, quick[0].headers["x-trace-id"])["keep"],
                         "ordinary")

        listed = self.service.request("GET", "/debug/api/traces?errors=1&limit=1000").json()
        self.assertIn(fault.headers["x-trace-id"], [t["trace_id"] for t in listed["traces"]])
        self.assertTrue(all(t["error"] for t in listed["traces"]))

        # The receiver gets the sampled traces of ours and no other.
        expected = {r.headers["x-trace-id"] for r in ours if sampled(r)}
        self.assertLess(len(expected), len(ours) / 2, "the sampler is not sampling at 1 %")
        self.service.request("GET", "/health")
        if expected:
            self.receiver.wait_for_spans(lambda s: s["traceId"] in expected, len(expected))
        time.sleep(0.5)  # the batch delay is 100 ms: anything else would be here by now
        received = {s["traceId"] for s in self.receiver.spans()}
        ours_ids = {r.headers["x-trace-id"] for r in ours}
        self.assertEqual(received & ours_ids, expected)

        pipeline = self.service.request("GET", "/debug/api/pipeline").json()
        self.assertEqual(len(pipeline["processors"]), 1)
        self.assertIn("127.0.0.1", pipeline["processors"][0]["name"])
        self.assertGreaterEqual(pipeline["view"]["spans_received"], len(ours))


def closed_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PipelinePanelWhenExportFails(ServiceTestCase):
    service_env = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
                   "OTEL_BSP_SCHEDULE_DELAY": "100", "OTEL_BSP_EXPORT_TIMEOUT": "1000",
                   "OTEL_EXPORTER_OTLP_TIMEOUT": "500"}

    def test_the_pipeline_is_unhealthy_with_the_exporters_error(self):
        response = self.service.request("GET", "/api/users/me")
        deadline = time.monotonic() + 20
        while True:
            pipeline = self.service.request("GET", "/debug/api/pipeline").json()
            exporter = pipeline["processors"][0]
            if exporter["failed"] > 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertFalse(pipeline["healthy"])
        self.assertGreater(exporter["failed"], 0)
        self.assertFalse(exporter["last_export_ok"])
        self.assertTrue(exporter["last_export_message"])
        self.assertNotEqual(exporter["last_export_time_unix_nano"], "0")
        # The trace is still in the view: the view does not depend on export.
        wait_for_trace(self.service, response.headers["x-trace-id"])


class TraceViewPages(ServiceTestCase):
    service_env = {"BOARD_DEBUG_FAULTS": "1"}

    def test_the_start_up_line_names_the_view(self):
        line = self.service.wait_for_log(lambda l: l.get("message") == "trace view")
        self.assertEqual(line["url"], f"http://127.0.0.1:{self.service.port}/debug/traces")

    def test_a_trace_carries_its_own_log_lines(self):
        response = self.service.request("GET", "/debug/fault")
        trace = wait_for_trace(self.service, response.headers["x-trace-id"])
        lines = [entry["line"] for entry in trace["logs"]]
        self.assertTrue(lines, "the fault's log lines")
        self.assertTrue(all(l["trace_id"] == response.headers["x-trace-id"] for l in lines))
        self.assertIn("error", [l["level"] for l in lines])

    def test_the_views_own_requests_are_not_in_it(self):
        page = self.service.request("GET", "/debug/traces")
        self.assertEqual(page.status, 200)
        api = self.service.request("GET", "/debug/api/traces")
        self.assertEqual(api.status, 200)
        time.sleep(0.4)
        listed = self.service.request("GET", "/debug/api/traces?limit=5000").json()
        ids = [t["trace_id"] for t in listed["traces"]]
        self.assertNotIn(page.headers["x-trace-id"], ids)
        self.assertNotIn(api.headers["x-trace-id"], ids)
        self.assertEqual(self.service.request(
            "GET", f"/debug/api/traces/{api.headers['x-trace-id']}").status, 404)

    def test_markup_in_an_attribute_is_data_not_html(self):
        response = self.service.request("GET", "/api/users/me", headers={"User-Agent": SCRIPT})
        trace_id = response.headers["x-trace-id"]
        trace = wait_for_trace(self.service, trace_id)
        values = [a["value"].get("stringValue") for rs in trace["otlp"]["resourceSpans"]
                  for ss in rs["scopeSpans"] for s in ss["spans"] for a in s["attributes"]]
        self.assertIn(SCRIPT, values)
        page = self.service.request("GET", f"/debug/traces/{trace_id}")
        self.assertEqual(page.status, 200)
        self.assertTrue(page.headers["content-type"].startswith("text/html"))
        self.assertNotIn(b"__pwned", page.body)
        csp = page.headers["content-security-policy"]
        self.assertIn("default-src 'none'", csp)
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)

    def test_an_unknown_trace_is_404_and_a_bad_id_400(self):
        self.assertEqual(self.service.request("GET", "/debug/api/traces/" + "a" * 32).status, 404)
        self.assertEqual(self.service.request("GET", "/debug/api/traces/nope").status, 400)


def non_loopback_address():
    """An address of this machine that is not loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


class AccessFromElsewhere(unittest.TestCase):
    TOKEN = "a-debug-token-of-some-length"

    @classmethod
    def setUpClass(cls):
        cls.address = non_loopback_address()
        if cls.address is None:
            raise unittest.SkipTest("this machine has no non-loopback IPv4 address")
        cls.service = Service(env={"BOARD_LISTEN_ADDRESS": "0.0.0.0",
                                   "BOARD_DEBUG_TOKEN": cls.TOKEN}).start()

    @classmethod
    def tearDownClass(cls):
        cls.service.stop()

    def get(self, path, headers=None):
        connection = http.client.HTTPConnection(self.address, self.service.port, timeout=5)
        try:
            connection.request("GET", path, headers=headers or {})
            reply = connection.getresponse()
            return reply.status, reply.read()
        finally:
            connection.close()

    def test_non_loopback_clients_need_the_token(self):
        for path in ("/debug/traces", "/debug/api/traces", "/debug/api/pipeline",
                     "/debug/assets/trace.js"):
            with self.subTest(path):
                status, body = self.get(path)
                self.assertEqual(status, 403, body)
                status, _ = self.get(path, {"Authorization": "Bearer wrong-token-of-some-length"})
                self.assertEqual(status, 403)
                status, _ = self.get(path, {"Authorization": f"Bearer {self.TOKEN}"})
                self.assertEqual(status, 200)
        # The API itself is not affected.
        status, _ = self.get("/health")
        self.assertEqual(status, 200)
        # Loopback needs no token.
        self.assertEqual(self.service.request("GET", "/debug/api/traces").status, 200)


class ViewOff(ServiceTestCase):
    service_env = {"BOARD_TRACE_VIEW": "off"}

    def test_off_means_no_routes(self):
        self.assertEqual(self.service.request("GET", "/debug/traces").status, 404)
        self.assertEqual(self.service.request("GET", "/debug/api/traces").status, 404)


if __name__ == "__main__":
    unittest.main()
